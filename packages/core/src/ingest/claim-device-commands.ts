import type { SystemDb } from '@conflux/db/system';

/** A command the MQTT app is to publish. */
export interface ClaimedCommand {
  id: string;
  tenantId: string;
  deviceId: string;
  channel: string;
  payload: Buffer;
  qos: 0 | 1;
  /** Claims so far, this one included. */
  attempts: number;
}

/**
 * Claims queued commands of every tenant for `leaseMs` (several MQTT apps may run: SKIP LOCKED gives each
 * command to one of them; a claim that is never settled is retried when its lease runs out).
 */
export async function claimDeviceCommands(sys: SystemDb, params: { limit?: number; leaseMs?: number } = {}): Promise<ClaimedCommand[]> {
  const rows = await sys.$queryRawUnsafe<{ id: string; tenant_id: string; device_id: string; channel: string; payload: Uint8Array; qos: number; attempts: number }[]>(
    `UPDATE device_command c SET claimed_until = now() + make_interval(secs => $2), attempts = c.attempts + 1
      WHERE c.id IN (SELECT id FROM device_command
                      WHERE status = 'queued' AND (claimed_until IS NULL OR claimed_until < now())
                      ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING c.id, c.tenant_id, c.device_id, c.channel, c.payload, c.qos, c.attempts`,
    params.limit ?? 200,
    (params.leaseMs ?? 30_000) / 1000,
  );
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, deviceId: r.device_id, channel: r.channel, payload: Buffer.from(r.payload), qos: r.qos === 0 ? 0 : 1, attempts: r.attempts }));
}

/** Records what happened to claimed commands: published, or failed with a reason (e.g. after too many attempts). */
export async function settleDeviceCommands(sys: SystemDb, params: { sent: string[]; failed?: { id: string; error: string }[] }): Promise<void> {
  if (params.sent.length) {
    await sys.$executeRawUnsafe(`UPDATE device_command SET status = 'sent', sent_at = now(), claimed_until = NULL WHERE id = ANY($1::uuid[])`, params.sent);
  }
  for (const failure of params.failed ?? []) {
    await sys.$executeRawUnsafe(`UPDATE device_command SET status = 'failed', error = $2, claimed_until = NULL WHERE id = $1::uuid`, failure.id, failure.error.slice(0, 300));
  }
}
