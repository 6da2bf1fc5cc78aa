import type { TenantDb } from '@conflux/db';
import type { AuthValue } from '@conflux/connector-sdk';
import { AppError } from '../errors.ts';
import type { Keyring } from './keyring.ts';
import { decryptJson } from './tenant-key.ts';

/** The decrypted credentials of a connection, for the engine only (never returned through the API). */
export async function loadConnectionAuth(
  db: TenantDb,
  params: { tenantId: string; connectionId: string; keyring: Keyring },
): Promise<{ auth: AuthValue | null; connectorId: string; metadata: Record<string, unknown>; status: string }> {
  const row = await db.connection.findFirst({
    where: { id: params.connectionId, tenantId: params.tenantId },
    select: { id: true, connectorId: true, secret: true, metadata: true, status: true, authKind: true },
  });
  if (!row) throw new AppError('CONNECTION_NOT_FOUND', 'The step’s connection no longer exists.');
  const auth = row.secret
    ? await decryptJson<AuthValue>(db, { tenantId: params.tenantId, keyring: params.keyring, aad: `connection:${row.id}`, sealed: row.secret })
    : row.authKind === 'none'
      ? { kind: 'none' as const }
      : null;
  return { auth, connectorId: row.connectorId, metadata: (row.metadata ?? {}) as Record<string, unknown>, status: row.status };
}
