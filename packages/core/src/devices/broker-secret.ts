import type { TenantDb } from '@conflux/db';
import type { Keyring } from '../connections/keyring.ts';
import { encryptJson } from '../connections/tenant-key.ts';

/** What binds a sealed password to its device and credential version (a copy in another row fails to open). */
export function brokerSecretAad(deviceId: string, credentialVersion: number): string {
  return `device-broker-secret:${deviceId}:${credentialVersion}`;
}

/**
 * Leaves a newly issued device password, sealed with the tenant's data key, for the MQTT app to hand to an
 * external broker that keeps its own accounts (Mosquitto's dynamic security). Runs in the transaction that
 * issues the password, so the broker learns of every password the registry accepts; the MQTT app deletes
 * the row once the broker has it (migration 007).
 */
export async function stashBrokerSecret(db: TenantDb, params: { tenantId: string; deviceId: string; credentialVersion: number; password: string; keyring: Keyring }): Promise<void> {
  const sealed = await encryptJson(db, { tenantId: params.tenantId, keyring: params.keyring, aad: brokerSecretAad(params.deviceId, params.credentialVersion), value: params.password });
  const row = { tenantId: params.tenantId, credentialVersion: params.credentialVersion, sealed: new Uint8Array(sealed), createdAt: new Date() };
  await db.deviceBrokerSecret.upsert({ where: { deviceId: params.deviceId }, create: { deviceId: params.deviceId, ...row }, update: row });
}
