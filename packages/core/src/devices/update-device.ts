import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { normaliseTags } from './create-device.ts';
import { deviceSelect, toDeviceDto, type DeviceDto } from './device-dto.ts';
import { requireDevice } from './get-device.ts';

/** Params of updateDevice: only the fields given change. */
export interface UpdateDeviceParams {
  deviceId: string;
  name?: string;
  type?: string;
  tags?: string[];
  payloadFormat?: 'json' | 'raw';
}

/** Renames or re-describes a device; the MQTT app picks up tags and payload format at once. */
export async function updateDevice(db: TenantDb, actor: Actor, params: UpdateDeviceParams): Promise<DeviceDto> {
  const current = await requireDevice(db, actor.tenantId, params.deviceId);
  if (params.name && params.name !== current.name) {
    const taken = await db.device.findFirst({ where: { tenantId: actor.tenantId, name: params.name, NOT: { id: current.id } }, select: { id: true } });
    if (taken) throw new AppError('NAME_TAKEN', `A device named “${params.name}” already exists.`);
  }
  const row = await db.device.update({
    where: { id: current.id },
    data: {
      ...(params.name !== undefined ? { name: params.name } : {}),
      ...(params.type !== undefined ? { type: params.type } : {}),
      ...(params.tags !== undefined ? { tags: normaliseTags(params.tags) } : {}),
      ...(params.payloadFormat !== undefined ? { payloadFormat: params.payloadFormat } : {}),
    },
    select: deviceSelect,
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'device.updated', target: row.name, data: { deviceId: row.id } });
  return toDeviceDto(row);
}
