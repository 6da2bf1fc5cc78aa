import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';

/** Runs of one day (in the requested time zone), by outcome. */
export interface RunDayDto {
  /** YYYY-MM-DD in the requested time zone. */
  day: string;
  succeeded: number;
  failed: number;
  /** Stopped by a filter step: finished, not failed. */
  filtered: number;
  /** Queued, running, retrying or cancelled. */
  other: number;
  total: number;
  /** failed ÷ finished (succeeded + filtered + failed), or null on a day without finished runs. */
  failureRate: number | null;
}

/** A flow that failed in the period: its latest failed run, and how often it failed in the period. */
export interface RecentFailureDto {
  flowId: string;
  flowName: string;
  runId: string;
  at: Date;
  stepKey: string | null;
  message: string | null;
  failuresInPeriod: number;
}

/** The dashboard's run statistics over the last `days` days. */
export interface RunStatsDto {
  days: number;
  timeZone: string;
  series: RunDayDto[];
  totals: { total: number; succeeded: number; failed: number; filtered: number; other: number; failureRate: number | null };
  /** Up to five flows that failed in the period, the one that failed most recently first. */
  recentFailures: RecentFailureDto[];
}

/** Params of getRunStats. */
export interface RunStatsParams {
  /** 1–90: today and the days before it. */
  days: number;
  /** IANA zone the days are counted in (default UTC); checked by the caller. */
  timeZone?: string;
}

// Newest failed runs considered when finding the flows that failed most recently: a bounded walk of
// run_tenant_status_idx that stays fast with millions of runs. A tenant whose one flow failed more often
// than this since the others did sees that flow alone, which is then the right news anyway.
const RECENT_FAILED_RUNS = 1000;

const rate = (failed: number, finished: number) => (finished > 0 ? failed / finished : null);

/**
 * Runs per day by outcome, the failure rate, and the flows that failed most recently. One pass over
 * run_tenant_created_idx for the period (a range of the tenant's runs) and a bounded one over
 * run_tenant_status_idx for the failures; days without runs are filled in by the query.
 */
export async function getRunStats(db: TenantDb, actor: Actor, params: RunStatsParams): Promise<RunStatsDto> {
  const days = Math.min(Math.max(Math.trunc(params.days), 1), 90);
  const tz = params.timeZone ?? 'UTC';
  const rows = await db.$queryRaw<{ day: string; succeeded: number; failed: number; filtered: number; other: number }[]>`
    WITH bounds AS (
      SELECT date_trunc('day', now() AT TIME ZONE ${tz}) AS today
    ), counts AS (
      SELECT date_trunc('day', r.created_at AT TIME ZONE ${tz}) AS day,
             count(*) FILTER (WHERE r.status = 'succeeded')::int AS succeeded,
             count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
             count(*) FILTER (WHERE r.status = 'filtered')::int AS filtered,
             count(*) FILTER (WHERE r.status NOT IN ('succeeded', 'failed', 'filtered'))::int AS other
        FROM run r, bounds b
       WHERE r.tenant_id = ${actor.tenantId}::uuid
         AND r.created_at >= (b.today - make_interval(days => ${days - 1}::int)) AT TIME ZONE ${tz}
       GROUP BY 1
    )
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
           coalesce(c.succeeded, 0) AS succeeded, coalesce(c.failed, 0) AS failed,
           coalesce(c.filtered, 0) AS filtered, coalesce(c.other, 0) AS other
      FROM bounds b
     CROSS JOIN generate_series(b.today - make_interval(days => ${days - 1}::int), b.today, interval '1 day') AS d(day)
      LEFT JOIN counts c ON c.day = d.day
     ORDER BY d.day`;

  const failures = await db.$queryRaw<{ flow_id: string; flow_name: string; run_id: string; at: Date; error: { stepKey?: unknown; message?: unknown } | null; failures: number }[]>`
    WITH latest AS (
      SELECT r.id, r.flow_id, r.created_at, r.error
        FROM run r
       WHERE r.tenant_id = ${actor.tenantId}::uuid AND r.status = 'failed'
         AND r.created_at >= (date_trunc('day', now() AT TIME ZONE ${tz}) - make_interval(days => ${days - 1}::int)) AT TIME ZONE ${tz}
       ORDER BY r.created_at DESC
       LIMIT ${RECENT_FAILED_RUNS}
    ), per_flow AS (
      SELECT DISTINCT ON (flow_id) id, flow_id, created_at, error FROM latest ORDER BY flow_id, created_at DESC, id DESC
    ), top AS (
      SELECT * FROM per_flow ORDER BY created_at DESC, id DESC LIMIT 5
    )
    SELECT t.flow_id, f.name AS flow_name, t.id AS run_id, t.created_at AS at, t.error,
           (SELECT count(*)::int FROM run x
             WHERE x.tenant_id = ${actor.tenantId}::uuid AND x.status = 'failed' AND x.flow_id = t.flow_id
               AND x.created_at >= (date_trunc('day', now() AT TIME ZONE ${tz}) - make_interval(days => ${days - 1}::int)) AT TIME ZONE ${tz}) AS failures
      FROM top t JOIN flow f ON f.id = t.flow_id
     ORDER BY t.created_at DESC, t.id DESC`;

  const series = rows.map((r) => {
    const finished = r.succeeded + r.failed + r.filtered;
    return { ...r, total: finished + r.other, failureRate: rate(r.failed, finished) };
  });
  const sum = (key: 'succeeded' | 'failed' | 'filtered' | 'other') => series.reduce((n, d) => n + d[key], 0);
  const totals = { succeeded: sum('succeeded'), failed: sum('failed'), filtered: sum('filtered'), other: sum('other') };
  const finished = totals.succeeded + totals.failed + totals.filtered;
  return {
    days,
    timeZone: tz,
    series,
    totals: { ...totals, total: finished + totals.other, failureRate: rate(totals.failed, finished) },
    recentFailures: failures.map((f) => ({
      flowId: f.flow_id,
      flowName: f.flow_name,
      runId: f.run_id,
      at: f.at,
      stepKey: typeof f.error?.stepKey === 'string' ? f.error.stepKey : null,
      message: typeof f.error?.message === 'string' ? f.error.message.slice(0, 500) : null,
      failuresInPeriod: f.failures,
    })),
  };
}
