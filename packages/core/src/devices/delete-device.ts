import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { requireRole } from '../tenants/roles.ts';
import { writeAudit } from '../tenants/audit.ts';
import { requireDevice } from './get-device.ts';

/** Deletes a device with its telemetry and counters; a connected session is closed at once. */
export async function deleteDevice(db: TenantDb, actor: Actor, params: { deviceId: string }): Promise<{ id: string }> {
  requireRole(actor.role, 'admin', 'delete devices');
  const current = await requireDevice(db, actor.tenantId, params.deviceId);
  // Telemetry has no foreign key (it is written too fast for per-row checks): remove it explicitly.
  await db.$executeRaw`DELETE FROM device_message WHERE tenant_id = ${actor.tenantId}::uuid AND device_id = ${current.id}::uuid`;
  await db.$executeRaw`DELETE FROM device_stat_minute WHERE tenant_id = ${actor.tenantId}::uuid AND device_id = ${current.id}::uuid`;
  await db.device.delete({ where: { id: current.id } });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'device.deleted', target: current.name, data: { deviceId: current.id } });
  return { id: current.id };
}
