import { randomBytes } from 'node:crypto';
import type { TenantDb } from '@conflux/db';
import { masterKeyById, open, seal, type Keyring } from './keyring.ts';

/**
 * The tenant's data key, created on first use. Credentials are encrypted under it; it is stored wrapped
 * by the master key, so rotating the master key re-wraps 32-byte keys, not every secret.
 */
export async function tenantDataKey(db: TenantDb, params: { tenantId: string; keyring: Keyring }): Promise<Buffer> {
  // A data key never changes once created (master-key rotation re-wraps the same key), so each process
  // keeps the unwrapped keys it used recently instead of reading and unwrapping one per run.
  const cache = unwrapped.get(params.keyring) ?? new Map<string, { key: Buffer; at: number }>();
  unwrapped.set(params.keyring, cache);
  const cached = cache.get(params.tenantId);
  if (cached && Date.now() - cached.at < KEY_CACHE_MS) return cached.key;
  const key = await loadOrCreateDataKey(db, params);
  if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(params.tenantId, { key, at: Date.now() });
  return key;
}

const KEY_CACHE_MS = 5 * 60_000;
const KEY_CACHE_SIZE = 10_000;
const unwrapped = new WeakMap<Keyring, Map<string, { key: Buffer; at: number }>>();

async function loadOrCreateDataKey(db: TenantDb, params: { tenantId: string; keyring: Keyring }): Promise<Buffer> {
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
  if (inserted === 0) return loadOrCreateDataKey(db, params);
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
