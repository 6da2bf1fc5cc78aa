import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import type { Keyring } from '../connections/keyring.ts';
import { stashBrokerSecret } from './broker-secret.ts';
import { writeAudit } from '../tenants/audit.ts';
import { credentialsOf } from './create-device.ts';
import { generateDevicePassword, hashDevicePassword } from './credentials.ts';
import type { DeviceCredentials } from './device-dto.ts';
import { requireDevice } from './get-device.ts';

/** Issues a new password (returned once); the old one stops working and its open session is closed. */
export async function rotateDeviceCredentials(db: TenantDb, actor: Actor, params: { deviceId: string; keyring: Keyring }): Promise<DeviceCredentials> {
  const current = await requireDevice(db, actor.tenantId, params.deviceId);
  const password = generateDevicePassword();
  const updated = await db.device.update({
    where: { id: current.id },
    data: { passwordHash: await hashDevicePassword(password), credentialVersion: { increment: 1 } },
    select: { credentialVersion: true },
  });
  await stashBrokerSecret(db, { tenantId: actor.tenantId, deviceId: current.id, credentialVersion: updated.credentialVersion, password, keyring: params.keyring });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'device.credentials_rotated', target: current.name, data: { deviceId: current.id } });
  return credentialsOf(actor.tenantId, current.id, password);
}
