import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { credentialsOf } from './create-device.ts';
import { generateDevicePassword, hashDevicePassword } from './credentials.ts';
import type { DeviceCredentials } from './device-dto.ts';
import { requireDevice } from './get-device.ts';

/** Issues a new password (returned once); the old one stops working and its open session is closed. */
export async function rotateDeviceCredentials(db: TenantDb, actor: Actor, params: { deviceId: string }): Promise<DeviceCredentials> {
  const current = await requireDevice(db, actor.tenantId, params.deviceId);
  const password = generateDevicePassword();
  await db.device.update({
    where: { id: current.id },
    data: { passwordHash: await hashDevicePassword(password), credentialVersion: { increment: 1 } },
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'device.credentials_rotated', target: current.name, data: { deviceId: current.id } });
  return credentialsOf(actor.tenantId, current.id, password);
}
