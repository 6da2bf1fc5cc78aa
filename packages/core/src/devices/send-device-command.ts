import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { queueDeviceCommand, type QueuedCommand } from './queue-device-command.ts';

/** A command typed by a person on the device page (flows use queueDeviceCommand through `ctx.devices`). */
export async function sendDeviceCommand(db: TenantDb, actor: Actor, params: { deviceId: string; channel: string; payload: unknown; qos: 0 | 1 }): Promise<QueuedCommand> {
  const queued = await queueDeviceCommand(db, { tenantId: actor.tenantId, ...params });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'device.command_sent', target: params.deviceId, data: { channel: params.channel, commandId: queued.commandId } });
  return queued;
}
