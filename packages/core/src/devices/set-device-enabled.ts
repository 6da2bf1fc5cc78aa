import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { deviceSelect, toDeviceDto, type DeviceDto } from './device-dto.ts';
import { requireDevice } from './get-device.ts';

/**
 * Enables or disables a device. A disabled device is refused at connect and, when connected, disconnected
 * at once (the MQTT app hears of the change on commit); its messages are no longer stored.
 */
export async function setDeviceEnabled(db: TenantDb, actor: Actor, params: { deviceId: string; enabled: boolean }): Promise<DeviceDto> {
  const current = await requireDevice(db, actor.tenantId, params.deviceId);
  const row = await db.device.update({
    where: { id: current.id },
    data: { enabled: params.enabled, ...(params.enabled ? {} : { online: false }) },
    select: deviceSelect,
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: params.enabled ? 'device.enabled' : 'device.disabled', target: row.name, data: { deviceId: row.id } });
  return toDeviceDto(row);
}
