import os from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';

/** How often workers beat, and how long without a beat before their jobs are taken back. */
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;
/** Attempts after which a run whose worker keeps disappearing is failed. */
const MAX_LOST_ATTEMPTS = 10;

/**
 * Heartbeats this process's graphile-worker workers and frees the jobs of workers that stopped beating
 * (a crashed or killed process): graphile-worker would otherwise keep those jobs locked for 4 hours.
 * Every worker process runs the sweep; it is idempotent, so several at once do no harm. A job is only
 * freed when its lock is also older than the stale window, so a worker that just started and locked
 * a job before its first beat is never robbed.
 */
export function startSupervisor(params: { pool: pg.Pool; workerIds: () => string[]; log: Logger; intervalMs?: number; staleAfterMs?: number }) {
  const processId = `${os.hostname()}:${process.pid}`;
  const staleMs = params.staleAfterMs ?? STALE_AFTER_MS;
  let stopped = false;

  async function beat() {
    const ids = params.workerIds();
    if (!ids.length) return;
    await params.pool.query(
      `INSERT INTO worker_heartbeat (worker_id, process_id, beat_at) SELECT unnest($1::text[]), $2, now()
       ON CONFLICT (worker_id) DO UPDATE SET beat_at = now(), process_id = excluded.process_id`,
      [ids, processId],
    );
  }

  async function sweep(): Promise<string[]> {
    const { rows } = await params.pool.query<{ locked_by: string }>(
      `SELECT DISTINCT j.locked_by FROM graphile_worker._private_jobs j
        WHERE j.locked_by IS NOT NULL AND j.locked_at < now() - make_interval(secs => $1::double precision / 1000)
          AND NOT EXISTS (SELECT 1 FROM worker_heartbeat h WHERE h.worker_id = j.locked_by
                           AND h.beat_at > now() - make_interval(secs => $1::double precision / 1000))`,
      [staleMs],
    );
    const dead = rows.map((r) => r.locked_by);
    if (dead.length) {
      await params.pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
      params.log.warn({ workers: dead }, 'freed the jobs of workers that stopped beating');
    }
    // Runs claimed by a dispatcher that stopped beating go back to the queue (they resume from their last
    // checkpoint); one that took its worker down ten times is failed rather than tried forever.
    const rescued = await params.pool.query<{ id: string }>(
      `UPDATE run SET
          status = CASE WHEN attempt >= $2 THEN 'failed'::run_status ELSE 'retrying'::run_status END,
          finished_at = CASE WHEN attempt >= $2 THEN now() END,
          error = CASE WHEN attempt >= $2 THEN jsonb_build_object('code', 'WORKER_LOST', 'message',
                    'The worker running this run stopped ' || attempt || ' times; the run was given up') ELSE error END,
          ready_at = now(), next_attempt_at = NULL, claimed_by = NULL
        WHERE status = 'running' AND claimed_by IS NOT NULL
          AND coalesce(started_at, created_at) < now() - make_interval(secs => $1::double precision / 1000)
          AND NOT EXISTS (SELECT 1 FROM worker_heartbeat h WHERE h.worker_id = run.claimed_by
                           AND h.beat_at > now() - make_interval(secs => $1::double precision / 1000))
        RETURNING id`,
      [staleMs, MAX_LOST_ATTEMPTS],
    );
    if (rescued.rowCount) params.log.warn({ runs: rescued.rows.map((r) => r.id) }, 'queued again the runs of workers that stopped beating');
    await params.pool.query(`DELETE FROM worker_heartbeat WHERE beat_at < now() - interval '1 day'`);
    return dead;
  }

  const tick = async () => {
    try {
      await beat();
      await sweep();
    } catch (error) {
      if (!stopped) params.log.error({ err: error }, 'supervisor tick failed');
    }
  };
  const timer = setInterval(() => void tick(), params.intervalMs ?? HEARTBEAT_MS);
  timer.unref();
  void tick();
  return {
    beat,
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      // A clean stop: forget our beats so nobody waits for them.
      const ids = params.workerIds();
      if (ids.length) await params.pool.query('DELETE FROM worker_heartbeat WHERE worker_id = ANY($1::text[])', [ids]).catch(() => undefined);
    },
  };
}
