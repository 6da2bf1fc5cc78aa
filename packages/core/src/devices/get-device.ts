import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { deviceSelect, toDeviceDto, type DeviceDto, type DeviceRow } from './device-dto.ts';

/** The device row, or DEVICE_NOT_FOUND (also for another tenant's id). */
export async function requireDevice(db: TenantDb, tenantId: string, deviceId: string): Promise<DeviceRow> {
  const row = await db.device.findFirst({ where: { id: deviceId, tenantId }, select: deviceSelect });
  if (!row) throw new AppError('DEVICE_NOT_FOUND', 'That device does not exist.');
  return row;
}

export async function getDevice(db: TenantDb, actor: Actor, params: { deviceId: string }): Promise<DeviceDto> {
  return toDeviceDto(await requireDevice(db, actor.tenantId, params.deviceId));
}
