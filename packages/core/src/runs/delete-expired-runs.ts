import type { TenantDb } from '@conflux/db';
import { retentionDaysFor } from '../plans/limits.ts';

/** What one run-retention batch deleted. */
export interface RunRetentionResult {
  retentionDays: number;
  runs: number;
  events: number;
}

/** Runs that will not change any more: waiting (queued, retrying, over the quota) or running ones are kept. */
const FINISHED = ['succeeded', 'failed', 'filtered', 'cancelled'];

/**
 * Deletes up to `batchSize` of a tenant's finished runs older than its plan's retention (their steps go
 * with them), and the events of those runs that no other run still references (a replay shares its
 * original's event). Called repeatedly by the retention task until it deletes less than a batch, so no
 * single transaction grows large. Age is measured from when a run finished (or was created, for one that
 * never started), so a long retry sequence keeps its full history for the whole retention.
 */
export async function deleteExpiredRuns(db: TenantDb, params: { tenantId: string; batchSize?: number }): Promise<RunRetentionResult> {
  const days = await retentionDaysFor(db, params.tenantId, 'runs');
  const batch = params.batchSize ?? 1_000;
  // A run finishes after it was created, so `created_at` before the cutoff adds nothing logically but lets
  // run_tenant_status_idx (tenant, status, created_at) skip the young runs instead of reading them all.
  const deleted = await db.$queryRawUnsafe<{ event_id: string }[]>(
    `DELETE FROM run WHERE id = ANY(ARRAY(
       SELECT id FROM run
        WHERE tenant_id = $1::uuid AND status = ANY($2::run_status[])
          AND created_at < now() - make_interval(days => $3)
          AND coalesce(finished_at, created_at) < now() - make_interval(days => $3)
        LIMIT $4))
     RETURNING event_id`,
    params.tenantId,
    FINISHED,
    days,
    batch,
  );
  if (!deleted.length) return { retentionDays: days, runs: 0, events: 0 };
  const eventIds = [...new Set(deleted.map((r) => r.event_id))];
  // Lock the candidate events first: a replay inserting a run for one of them right now either committed
  // before the lock (and the NOT EXISTS below, a new statement, sees its run and keeps the event) or
  // waits for this transaction and then fails on the missing event, instead of losing its run to the
  // event's ON DELETE CASCADE.
  await db.$queryRawUnsafe(`SELECT id FROM event WHERE id = ANY($1::uuid[]) FOR UPDATE`, eventIds);
  const events = await db.$executeRawUnsafe(
    `DELETE FROM event e WHERE e.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM run r WHERE r.event_id = e.id)`,
    eventIds,
  );
  return { retentionDays: days, runs: deleted.length, events };
}
