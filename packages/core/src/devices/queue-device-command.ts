import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import { downTopic, isDeviceChannel } from './topics.ts';

/** Largest command payload (bytes). */
export const MAX_COMMAND_BYTES = 64 * 1024;

/** Params of queueDeviceCommand. */
export interface QueueDeviceCommandParams {
  tenantId: string;
  deviceId: string;
  channel: string;
  /** A string is sent as is; anything else as JSON text. */
  payload: unknown;
  qos: 0 | 1;
  /** The same key queues the command once (a flow step passes its `runId:stepKey`). */
  idempotencyKey?: string | null;
}

/** A queued command. */
export interface QueuedCommand {
  commandId: string;
  topic: string;
  status: 'queued' | 'sent' | 'failed';
  duplicate: boolean;
}

/** The bytes a command payload is published as. */
export function commandBytes(payload: unknown): Buffer {
  return Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload ?? null), 'utf8');
}

/**
 * Queues a command for one of the tenant's devices (inside its gate, so another tenant's device is simply
 * not found). The MQTT app is told on commit and publishes it on the device's down topic.
 */
export async function queueDeviceCommand(db: TenantDb, params: QueueDeviceCommandParams): Promise<QueuedCommand> {
  if (!isDeviceChannel(params.channel)) throw new AppError('INVALID_INPUT', 'Channels are up to 8 levels of letters, digits, _ . and -.');
  const bytes = commandBytes(params.payload);
  if (bytes.length > MAX_COMMAND_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `Commands can be at most ${MAX_COMMAND_BYTES / 1024} KB; this one is ${Math.ceil(bytes.length / 1024)} KB.`);
  const device = await db.device.findFirst({ where: { id: params.deviceId, tenantId: params.tenantId }, select: { id: true, enabled: true } });
  if (!device) throw new AppError('DEVICE_NOT_FOUND', 'That device does not exist.');
  if (!device.enabled) throw new AppError('DEVICE_DISABLED', 'That device is disabled: enable it to send commands.');
  const topic = downTopic(params.tenantId, device.id, params.channel);
  const key = params.idempotencyKey ? params.idempotencyKey.slice(0, 300) : null;
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO device_command (tenant_id, device_id, channel, payload, qos, idempotency_key)
    VALUES (${params.tenantId}::uuid, ${device.id}::uuid, ${params.channel}, ${bytes}, ${params.qos}, ${key})
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING id`;
  if (inserted[0]) return { commandId: inserted[0].id, topic, status: 'queued', duplicate: false };
  const existing = await db.deviceCommand.findFirst({ where: { tenantId: params.tenantId, idempotencyKey: key }, select: { id: true, status: true, deviceId: true, channel: true } });
  return { commandId: existing!.id, topic: downTopic(params.tenantId, existing!.deviceId, existing!.channel), status: existing!.status, duplicate: true };
}
