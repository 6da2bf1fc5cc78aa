import type { TenantDb } from '@conflux/db';

/** How far back a retransmission is looked for. */
export const RETRANSMISSION_WINDOW_MS = 10 * 60_000;

/**
 * The digest of the latest stored message per MQTT packet id of a device, among its last `limit` messages
 * received before `before` (a new connection's start) and within the retransmission window. A message that
 * arrives on the new connection with one of these packet ids and the same digest is the retransmission of a
 * message already stored (stored, but its PUBACK never reached the device): it is acknowledged, not stored.
 */
export async function recentPacketDigests(db: TenantDb, params: { tenantId: string; deviceId: string; before: Date; limit?: number }): Promise<Map<number, string>> {
  const rows = await db.$queryRawUnsafe<{ packet_id: number; digest: string }[]>(
    `SELECT packet_id, digest::text AS digest FROM device_message
      WHERE tenant_id = $1::uuid AND device_id = $2::uuid AND packet_id IS NOT NULL
        AND received_at < $3::timestamptz AND received_at > $3::timestamptz - make_interval(secs => $4)
      ORDER BY id DESC LIMIT $5`,
    params.tenantId,
    params.deviceId,
    params.before.toISOString(),
    RETRANSMISSION_WINDOW_MS / 1000,
    params.limit ?? 2000,
  );
  const latest = new Map<number, string>();
  for (const row of rows) if (!latest.has(row.packet_id)) latest.set(row.packet_id, row.digest);
  return latest;
}
