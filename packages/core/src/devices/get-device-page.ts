import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { toDeviceDto, type DeviceDto } from './device-dto.ts';
import { requireDevice } from './get-device.ts';

/** A stored message as the device page lists it: a preview, never megabytes. */
export interface DeviceMessageDto {
  id: string;
  topic: string;
  channel: string;
  size: number;
  qos: number;
  receivedAt: Date;
  format: 'json' | 'raw';
  /** JSON text (json), or base64 of the first bytes (raw), cut at PREVIEW_CHARS. */
  preview: string;
  truncated: boolean;
}

/** A command as the device page lists it. */
export interface DeviceCommandDto {
  id: string;
  channel: string;
  qos: number;
  status: 'queued' | 'sent' | 'failed';
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Everything the device page shows. */
export interface DevicePage {
  device: DeviceDto;
  /** Messages per minute over the last hour, oldest first, one entry per minute (zeros included). */
  perMinute: { minute: Date; messages: number; malformed: number }[];
  messagesLastHour: number;
  lastMessages: DeviceMessageDto[];
  malformed: { count: number; lastAt: Date | null; lastReason: string | null };
  commands: DeviceCommandDto[];
}

const PREVIEW_CHARS = 2000;

/** The device page: status, the last hour minute by minute, the last messages, malformed count, recent commands. */
export async function getDevicePage(db: TenantDb, actor: Actor, params: { deviceId: string; messages?: number }, now = new Date()): Promise<DevicePage> {
  const row = await requireDevice(db, actor.tenantId, params.deviceId);
  const extra = await db.device.findFirst({ where: { id: row.id, tenantId: actor.tenantId }, select: { lastMalformedAt: true, lastMalformedReason: true } });
  const limit = Math.min(Math.max(params.messages ?? 20, 1), 100);
  const messages = await db.$queryRawUnsafe<{ id: string; topic: string; channel: string; size: number; qos: number; received_at: Date; json: string | null; raw: string | null; truncated: boolean }[]>(
    `SELECT id::text, topic, channel, size, qos, received_at,
            left(payload::text, $4) AS json,
            CASE WHEN raw IS NULL THEN NULL ELSE encode(substring(raw FROM 1 FOR $5), 'base64') END AS raw,
            coalesce(length(payload::text) > $4, false) OR coalesce(length(raw) > $5, false) AS truncated
       FROM device_message WHERE tenant_id = $1::uuid AND device_id = $2::uuid ORDER BY id DESC LIMIT $3`,
    actor.tenantId,
    row.id,
    limit,
    PREVIEW_CHARS,
    Math.floor((PREVIEW_CHARS * 3) / 4),
  );
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - 59 * 60_000);
  const stats = await db.deviceStatMinute.findMany({
    where: { tenantId: actor.tenantId, deviceId: row.id, minute: { gte: start } },
    select: { minute: true, messages: true, malformed: true },
  });
  const byMinute = new Map(stats.map((s) => [s.minute.getTime(), s]));
  const perMinute = Array.from({ length: 60 }, (_, i) => {
    const minute = new Date(start.getTime() + i * 60_000);
    const s = byMinute.get(minute.getTime());
    return { minute, messages: s?.messages ?? 0, malformed: s?.malformed ?? 0 };
  });
  const commands = await db.deviceCommand.findMany({
    where: { tenantId: actor.tenantId, deviceId: row.id },
    select: { id: true, channel: true, qos: true, status: true, error: true, createdAt: true, sentAt: true },
    orderBy: { createdAt: 'desc' },
    take: 10,
  });
  return {
    device: toDeviceDto(row, now.getTime()),
    perMinute,
    messagesLastHour: perMinute.reduce((sum, m) => sum + m.messages, 0),
    lastMessages: messages.map((m) => ({
      id: m.id,
      topic: m.topic,
      channel: m.channel,
      size: m.size,
      qos: m.qos,
      receivedAt: m.received_at,
      format: m.raw !== null ? 'raw' : 'json',
      preview: m.raw ?? m.json ?? '',
      truncated: m.truncated,
    })),
    malformed: { count: Number(row.malformedCount), lastAt: extra?.lastMalformedAt ?? null, lastReason: extra?.lastMalformedReason ?? null },
    commands,
  };
}
