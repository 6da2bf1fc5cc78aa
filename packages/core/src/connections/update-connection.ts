import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { connectionSelect, toConnectionDto, type ConnectionDto } from './connection-dto.ts';
import { statusAfterCredentials, validateCredentials, type ConnectionDeps } from './create-connection.ts';
import { encryptJson } from './tenant-key.ts';

/** Params of updateConnection: credentials, when given, replace the stored ones (write-only). */
export interface UpdateConnectionParams {
  connectionId: string;
  name?: string;
  metadata?: Record<string, unknown>;
  authKind?: string;
  credentials?: Record<string, unknown>;
}

export async function updateConnection(db: TenantDb, actor: Actor, params: UpdateConnectionParams, deps: ConnectionDeps): Promise<ConnectionDto> {
  const current = await db.connection.findFirst({ where: { id: params.connectionId, tenantId: actor.tenantId }, select: { id: true, connectorId: true, authKind: true, name: true } });
  if (!current) throw new AppError('CONNECTION_NOT_FOUND', 'That connection does not exist.');
  if (params.name && params.name !== current.name) {
    const taken = await db.connection.findFirst({ where: { tenantId: actor.tenantId, name: params.name, NOT: { id: current.id } }, select: { id: true } });
    if (taken) throw new AppError('NAME_TAKEN', `A connection named “${params.name}” already exists.`);
  }
  let secret: Uint8Array<ArrayBuffer> | null | undefined;
  const authKind = params.authKind ?? current.authKind;
  if (params.credentials) {
    const value = validateCredentials(deps, { connectorId: current.connectorId, authKind, credentials: params.credentials });
    secret = value.kind === 'none' ? null : new Uint8Array(await encryptJson(db, { tenantId: actor.tenantId, keyring: deps.keyring, aad: `connection:${current.id}`, value }));
  } else if (params.authKind && params.authKind !== current.authKind) {
    throw new AppError('INVALID_CREDENTIALS', 'Changing the kind of credentials needs the new credentials too.');
  }
  const row = await db.connection.update({
    where: { id: current.id },
    data: {
      ...(params.name ? { name: params.name } : {}),
      // New settings may name another account: routing waits for the next passed connection test.
      ...(params.metadata ? { metadata: params.metadata as object, routingKey: null } : {}),
      // New credentials may reach another account: routing waits for the next passed connection test.
      ...(secret !== undefined ? { secret, authKind, ...statusAfterCredentials(deps, current.connectorId, authKind), routingKey: null } : {}),
    },
    select: connectionSelect,
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'connection.updated', target: row.name, data: { credentialsReplaced: secret !== undefined } });
  return toConnectionDto(row, deps.catalog);
}
