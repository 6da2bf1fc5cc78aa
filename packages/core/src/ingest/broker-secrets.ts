import type { TenantDb } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';
import type { Keyring } from '../connections/keyring.ts';
import { decryptJson } from '../connections/tenant-key.ts';
import { brokerSecretAad } from '../devices/broker-secret.ts';

/** A newly issued device password waiting to be handed to an external broker (still sealed). */
export interface PendingBrokerSecret {
  deviceId: string;
  tenantId: string;
  credentialVersion: number;
  sealed: Uint8Array;
}

/** A device as a broker's account list needs it. */
export interface DeviceAccount {
  deviceId: string;
  tenantId: string;
  enabled: boolean;
}

/** Passwords waiting for the broker (any tenant), oldest first; only those of `deviceIds` when given. */
export async function listBrokerSecrets(sys: SystemDb, params: { deviceIds?: string[]; limit: number }): Promise<PendingBrokerSecret[]> {
  return sys.deviceBrokerSecret.findMany({
    where: params.deviceIds ? { deviceId: { in: params.deviceIds } } : {},
    orderBy: { createdAt: 'asc' },
    take: params.limit,
    select: { deviceId: true, tenantId: true, credentialVersion: true, sealed: true },
  });
}

/** The password in clear, inside the device's tenant gate (its data key is the tenant's). */
export async function openBrokerSecret(db: TenantDb, params: { keyring: Keyring; secret: PendingBrokerSecret }): Promise<string> {
  const { secret } = params;
  return decryptJson<string>(db, { tenantId: secret.tenantId, keyring: params.keyring, aad: brokerSecretAad(secret.deviceId, secret.credentialVersion), sealed: secret.sealed });
}

/** Forgets a password the broker now has; a newer one (rotated meanwhile) stays for the next round. */
export async function deleteBrokerSecret(sys: SystemDb, params: { deviceId: string; credentialVersion: number }): Promise<void> {
  await sys.deviceBrokerSecret.deleteMany({ where: { deviceId: params.deviceId, credentialVersion: params.credentialVersion } });
}

/** Deletes waiting passwords unread (no broker of that kind is in use); those of `deviceIds` when given. */
export async function discardBrokerSecrets(sys: SystemDb, params: { deviceIds?: string[] } = {}): Promise<number> {
  const { count } = await sys.deviceBrokerSecret.deleteMany({ where: params.deviceIds ? { deviceId: { in: params.deviceIds } } : {} });
  return count;
}

/** Every device of every tenant, with whether it may connect: what a broker's accounts are checked against. */
export async function listDeviceAccounts(sys: SystemDb): Promise<DeviceAccount[]> {
  const rows = await sys.device.findMany({ select: { id: true, tenantId: true, enabled: true } });
  return rows.map((r) => ({ deviceId: r.id, tenantId: r.tenantId, enabled: r.enabled }));
}
