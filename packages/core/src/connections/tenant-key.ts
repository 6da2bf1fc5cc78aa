import { randomBytes } from 'node:crypto';
import type { TenantDb } from '@conflux/db';
import { masterKeyById, open, seal, type Keyring } from './keyring.ts';

/**
 * The tenant's data key, created on first use. Credentials are encrypted under it; it is stored wrapped
 * by the master key, so rotating the master key re-wraps 32-byte keys, not every secret.
 */
export async function tenantDataKey(db: TenantDb, params: { tenantId: string; keyring: Keyring }): Promise<Buffer> {
  const existing = await db.tenantKey.findUnique({ where: { tenantId: params.tenantId }, select: { wrappedKey: true, masterKeyId: true } });
  if (existing) {
    return open(masterKeyById(params.keyring, existing.masterKeyId).key, Buffer.from(existing.wrappedKey), `tenant:${params.tenantId}`);
  }
  const dataKey = randomBytes(32);
  const wrapped = seal(params.keyring.current.key, dataKey, `tenant:${params.tenantId}`);
  // Two first uses at once: one insert wins, the other reads the winner's key.
  const inserted = await db.$executeRaw`
    INSERT INTO tenant_key (tenant_id, wrapped_key, master_key_id)
    VALUES (${params.tenantId}::uuid, ${wrapped}, ${params.keyring.current.id})
    ON CONFLICT (tenant_id) DO NOTHING`;
  if (inserted === 0) return tenantDataKey(db, params);
  return dataKey;
}

/** Encrypts a JSON value for one row of one tenant. */
export async function encryptJson(db: TenantDb, params: { tenantId: string; keyring: Keyring; aad: string; value: unknown }): Promise<Buffer> {
  const key = await tenantDataKey(db, params);
  return seal(key, Buffer.from(JSON.stringify(params.value)), `${params.tenantId}:${params.aad}`);
}

/** Decrypts what encryptJson sealed (the AAD must match, so a ciphertext copied to another row fails). */
export async function decryptJson<T>(db: TenantDb, params: { tenantId: string; keyring: Keyring; aad: string; sealed: Uint8Array }): Promise<T> {
  const key = await tenantDataKey(db, params);
  return JSON.parse(open(key, Buffer.from(params.sealed), `${params.tenantId}:${params.aad}`).toString('utf8')) as T;
}
