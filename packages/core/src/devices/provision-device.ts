import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Keyring } from '../connections/keyring.ts';
import { insertDevice, type CreateDeviceParams, type CreatedDevice } from './create-device.ts';

/**
 * Registers a device for a fleet tool holding a provisioning key. The key was resolved to its tenant by the
 * ingest door (findProvisioningKey); this runs inside that tenant's gate and checks the key again there, so
 * a key revoked in between provisions nothing.
 */
export async function provisionDevice(db: TenantDb, params: CreateDeviceParams & { tenantId: string; keyId: string; keyring: Keyring }): Promise<CreatedDevice> {
  const key = await db.deviceProvisioningKey.findFirst({ where: { id: params.keyId, tenantId: params.tenantId, revokedAt: null }, select: { id: true } });
  if (!key) throw new AppError('PROVISIONING_KEY_INVALID', 'This provisioning key is not valid.');
  await db.deviceProvisioningKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
  return insertDevice(db, { ...params, actorUserId: null, via: 'provisioning_key' });
}
