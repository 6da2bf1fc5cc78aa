import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { deviceSelect, toDeviceDto, type DeviceDto } from './device-dto.ts';

/** Params of listDevices. */
export interface ListDevicesParams {
  /** Part of the name or type, any case. */
  search?: string;
  tag?: string;
  limit?: number;
}

/** The tenant's devices, newest first. */
export async function listDevices(db: TenantDb, actor: Actor, params: ListDevicesParams = {}): Promise<DeviceDto[]> {
  const search = params.search?.trim();
  const rows = await db.device.findMany({
    where: {
      tenantId: actor.tenantId,
      ...(params.tag ? { tags: { has: params.tag } } : {}),
      ...(search ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { type: { contains: search, mode: 'insensitive' as const } }] } : {}),
    },
    select: deviceSelect,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(params.limit ?? 200, 1), 1000),
  });
  const now = Date.now();
  return rows.map((row) => toDeviceDto(row, now));
}
