import type { TenantDb } from '@conflux/db';
import { retentionDaysFor } from '../plans/limits.ts';

/** What one retention pass deleted. */
export interface RetentionResult {
  retentionDays: number;
  messages: number;
  stats: number;
  commands: number;
}

/**
 * Deletes up to `batchSize` of a tenant's telemetry rows older than its retention (its device quota, else
 * its plan's), plus old per-minute counters and finished commands. Called repeatedly by the retention task
 * until it deletes less than a batch, so no single transaction grows large.
 */
export async function deleteExpiredTelemetry(db: TenantDb, params: { tenantId: string; batchSize?: number }): Promise<RetentionResult> {
  const days = await retentionDaysFor(db, params.tenantId, 'telemetry');
  const batch = params.batchSize ?? 10_000;
  const messages = await db.$executeRawUnsafe(
    `DELETE FROM device_message WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM device_message WHERE tenant_id = $1::uuid AND received_at < now() - make_interval(days => $2) LIMIT $3))`,
    params.tenantId,
    days,
    batch,
  );
  const stats = await db.$executeRawUnsafe(
    `DELETE FROM device_stat_minute WHERE tenant_id = $1::uuid AND minute < now() - make_interval(days => $2)`,
    params.tenantId,
    days,
  );
  const commands = await db.$executeRawUnsafe(
    `DELETE FROM device_command WHERE tenant_id = $1::uuid AND status <> 'queued' AND created_at < now() - make_interval(days => $2)`,
    params.tenantId,
    days,
  );
  return { retentionDays: days, messages, stats, commands };
}
