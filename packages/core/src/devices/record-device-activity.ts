import type { TenantDb } from '@conflux/db';

/** Per device and minute counters, summed by the MQTT app before writing. */
export interface DeviceMinuteStat {
  deviceId: string;
  minute: Date;
  messages: number;
  malformed: number;
  bytes: number;
}

/** Malformed messages of a device since the last write, with the latest reason. */
export interface DeviceMalformed {
  deviceId: string;
  count: number;
  at: Date;
  reason: string;
}

/** Params of recordDeviceActivity; every part is optional. */
export interface DeviceActivity {
  tenantId: string;
  /** Devices that connected, or sent something (online, last seen now). */
  seen?: string[];
  /** Devices whose connection closed. */
  disconnected?: string[];
  stats?: DeviceMinuteStat[];
  malformed?: DeviceMalformed[];
}

/**
 * Writes presence, per-minute counters and malformed counts of one tenant's devices in one transaction. The
 * MQTT app calls it about once a second per tenant with everything summed, rather than once per message.
 */
export async function recordDeviceActivity(db: TenantDb, activity: DeviceActivity): Promise<void> {
  const { tenantId } = activity;
  if (activity.seen?.length) {
    await db.$executeRawUnsafe(
      `UPDATE device SET online = true, last_seen_at = now() WHERE tenant_id = $1::uuid AND id = ANY($2::uuid[]) AND enabled`,
      tenantId,
      activity.seen,
    );
  }
  if (activity.disconnected?.length) {
    await db.$executeRawUnsafe(`UPDATE device SET online = false, last_seen_at = now() WHERE tenant_id = $1::uuid AND id = ANY($2::uuid[])`, tenantId, activity.disconnected);
  }
  if (activity.stats?.length) {
    const s = activity.stats;
    await db.$executeRawUnsafe(
      `INSERT INTO device_stat_minute (tenant_id, device_id, minute, messages, malformed, bytes)
       SELECT $1::uuid, u.* FROM unnest($2::uuid[], $3::timestamptz[], $4::int[], $5::int[], $6::bigint[]) AS u
       ON CONFLICT (device_id, minute) DO UPDATE
         SET messages = device_stat_minute.messages + excluded.messages,
             malformed = device_stat_minute.malformed + excluded.malformed,
             bytes = device_stat_minute.bytes + excluded.bytes`,
      tenantId,
      s.map((x) => x.deviceId),
      s.map((x) => x.minute.toISOString()),
      s.map((x) => x.messages),
      s.map((x) => x.malformed),
      s.map((x) => String(x.bytes)),
    );
  }
  if (activity.malformed?.length) {
    const m = activity.malformed;
    await db.$executeRawUnsafe(
      `UPDATE device d SET malformed_count = d.malformed_count + u.count, last_malformed_at = u.at, last_malformed_reason = u.reason
         FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::text[]) AS u(id, count, at, reason)
        WHERE d.id = u.id AND d.tenant_id = $1::uuid`,
      tenantId,
      m.map((x) => x.deviceId),
      m.map((x) => x.count),
      m.map((x) => x.at.toISOString()),
      m.map((x) => x.reason.slice(0, 300)),
    );
  }
}
