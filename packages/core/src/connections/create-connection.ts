import { randomUUID } from 'node:crypto';
import type { TenantDb } from '@conflux/db';
import { authInputSchema, authValueFromInput, z } from '@conflux/connector-sdk';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { requireConnector, type ConnectorCatalog } from './catalog.ts';
import { connectionSelect, toConnectionDto, type ConnectionDto } from './connection-dto.ts';
import type { Keyring } from './keyring.ts';
import { encryptJson } from './tenant-key.ts';

/** Params of createConnection. */
export interface CreateConnectionParams {
  connectorId: string;
  name: string;
  authKind: string;
  credentials: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** What connection use-cases need besides the database. */
export interface ConnectionDeps {
  catalog: ConnectorCatalog;
  keyring: Keyring;
}

/** Checks credentials against the connector's auth kind; returns the value to encrypt. */
export function validateCredentials(deps: ConnectionDeps, params: { connectorId: string; authKind: string; credentials: Record<string, unknown> }) {
  const connector = requireConnector(deps.catalog, params.connectorId);
  const definition = connector.auth.find((a) => a.kind === params.authKind);
  if (!definition) {
    throw new AppError('INVALID_CREDENTIALS', `${connector.name} does not accept "${params.authKind}" credentials (it accepts ${connector.auth.map((a) => a.kind).join(', ')}).`);
  }
  const parsed = authInputSchema(definition).safeParse(params.credentials);
  if (!parsed.success) {
    throw new AppError('INVALID_CREDENTIALS', z.prettifyError(parsed.error), {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return authValueFromInput(definition, parsed.data as Record<string, unknown>);
}

/**
 * The status a connection starts with after new credentials: "ok", except for OAuth2 authorization code,
 * which holds only the OAuth app's client credentials until the person approves access at the provider.
 */
export function statusAfterCredentials(deps: Pick<ConnectionDeps, 'catalog'>, connectorId: string, authKind: string): { status: 'ok' | 'needs_reconnect'; statusReason: string | null } {
  const connector = deps.catalog.get(connectorId);
  const definition = connector?.auth.find((a) => a.kind === authKind);
  if (definition?.kind === 'oauth2' && definition.grant === 'authorization_code') {
    return { status: 'needs_reconnect', statusReason: `Not authorised yet: approve access at ${connector!.name}.` };
  }
  return { status: 'ok', statusReason: null };
}

/** Stores a connection; its credentials are encrypted under the tenant's data key and never returned. */
export async function createConnection(db: TenantDb, actor: Actor, params: CreateConnectionParams, deps: ConnectionDeps): Promise<ConnectionDto> {
  const value = validateCredentials(deps, params);
  const taken = await db.connection.findFirst({ where: { tenantId: actor.tenantId, name: params.name }, select: { id: true } });
  if (taken) throw new AppError('NAME_TAKEN', `A connection named “${params.name}” already exists.`);
  const id = randomUUID();
  const secret = value.kind === 'none' ? null : await encryptJson(db, { tenantId: actor.tenantId, keyring: deps.keyring, aad: `connection:${id}`, value });
  const row = await db.connection.create({
    data: {
      id,
      tenantId: actor.tenantId,
      connectorId: params.connectorId,
      name: params.name,
      authKind: params.authKind,
      secret: secret ? new Uint8Array(secret) : null,
      metadata: (params.metadata ?? {}) as object,
      ...statusAfterCredentials(deps, params.connectorId, params.authKind),
    },
    select: connectionSelect,
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'connection.created', target: params.name, data: { connectorId: params.connectorId } });
  return toConnectionDto(row, deps.catalog);
}
