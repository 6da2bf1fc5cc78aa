import crypto from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';

/** A run the dispatcher claimed for this process. */
export interface ClaimedRun {
  tenantId: string;
  runId: string;
}

/** Options of the run dispatcher. */
export interface DispatcherOptions {
  /** Connects as the system role (claim_runs crosses tenants). */
  pool: pg.Pool;
  /** Runs executed at once by this process. */
  concurrency: number;
  /** Executes one claimed run to its next resting state (done, failed, retrying). */
  execute(run: ClaimedRun): Promise<unknown>;
  log: Logger;
  /**
   * Slots kept for light tenants (no run in progress anywhere): a tenant with a deep backlog fills the other
   * slots, so a quiet tenant's run starts at once instead of waiting for one of the flood's runs to end.
   * Default: one slot in eight.
   */
  reservedSlots?: number;
  /** How often due retries are woken and the queue is looked at without a notification. */
  pollMs?: number;
  /** Back-off of a run whose execution threw (the database went away, a bug): it is retried after this. */
  crashRetryMs?: number;
}

/** A running dispatcher. */
export interface Dispatcher {
  /** The id written into claimed runs and heartbeated by the supervisor. */
  workerId: string;
  /** Runs executing now. */
  active(): number;
  stop(): Promise<void>;
}

/**
 * Claims runs for this process through claim_runs() (weighted fair share between tenants, each within its
 * plan's concurrency, see the migrations) and executes them, up to `concurrency` at once. It claims when a
 * slot frees, when the database notifies that a tenant has new work (LISTEN conflux_runs), and every
 * `pollMs` (which also wakes tenants whose retries fell due).
 */
export async function startDispatcher(options: DispatcherOptions): Promise<Dispatcher> {
  const { pool, log } = options;
  const workerId = `dispatch:${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  const pollMs = options.pollMs ?? 1_000;
  const crashRetryMs = options.crashRetryMs ?? 5_000;
  const reserved = Math.min(options.reservedSlots ?? Math.floor(options.concurrency / 8), options.concurrency - 1);
  const running = new Map<string, Promise<void>>();
  let stopping = false;
  let claiming = false;
  let again = false;

  // The LISTEN connection: when it drops, runs are still found by the poll, and it is opened again (with a
  // claim round, for what was notified meanwhile).
  let listener: pg.PoolClient | null = null;
  let relisten: NodeJS.Timeout | null = null;
  const listenAgain = () => {
    if (stopping || relisten) return;
    relisten = setTimeout(() => {
      relisten = null;
      listen().then(wake, (error: unknown) => {
        log.warn({ err: (error as Error).message }, 'could not listen for run notifications; retrying in 1 s');
        listenAgain();
      });
    }, 1000);
  };
  const listen = async (): Promise<void> => {
    const client = await pool.connect();
    client.on('notification', () => wake());
    client.on('error', (error) => {
      if (listener !== client) return;
      listener = null;
      client.release(error);
      if (!stopping) log.warn({ err: error.message }, 'the run notification connection dropped; listening again in 1 s');
      listenAgain();
    });
    try {
      await client.query('LISTEN conflux_runs');
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    listener = client;
  };
  await listen();

  // A claim need not wait for its commit to reach the disk: executing the run commits durably right after,
  // and a claim lost in a server crash is only a run queued again. One round trip, no parameters to bind
  // (the worker id is ours and the limit a number), so the four statements go as one simple query.
  async function claimBatch(limit: number, maxRunning: number | null): Promise<{ run_id: string; tenant_id: string }[]> {
    const client = await pool.connect();
    try {
      const sql = `BEGIN; SET LOCAL synchronous_commit = off; SELECT run_id, tenant_id FROM claim_runs(${client.escapeLiteral(workerId)}, ${Math.trunc(limit)}, ${maxRunning === null ? 'NULL' : Math.trunc(maxRunning)}); COMMIT;`;
      const results = (await client.query(sql)) as unknown as pg.QueryResult<{ run_id: string; tenant_id: string }>[];
      return results[2]?.rows ?? [];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async function claim() {
    if (claiming) {
      again = true;
      return;
    }
    claiming = true;
    try {
      do {
        again = false;
        while (!stopping && running.size < options.concurrency) {
          // The free slots beyond the reserve go to whoever is next in the fair order; the reserved ones only
          // to tenants with no run in progress.
          const free = options.concurrency - running.size;
          const open = free - reserved;
          const rows = open > 0 ? await claimBatch(open, null) : await claimBatch(free, 1);
          for (const row of rows) start({ runId: row.run_id, tenantId: row.tenant_id });
          if (rows.length === 0) break;
        }
      } while (again && !stopping);
    } catch (error) {
      if (!stopping) log.error({ err: error }, 'claiming runs failed');
    } finally {
      claiming = false;
    }
  }

  function start(run: ClaimedRun) {
    const done = options
      .execute(run)
      .then(
        () => undefined,
        async (error: unknown) => {
          // The run stays claimed by us: put it back in the queue, due after a pause, so it is neither
          // lost nor retried in a tight loop.
          log.error({ err: error, runId: run.runId }, 'executing a run failed; it is queued again');
          await pool
            .query(
              `UPDATE run SET status = 'retrying', ready_at = now() + make_interval(secs => $2::double precision / 1000), next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
                WHERE id = $1 AND status = 'running' AND claimed_by = $3`,
              [run.runId, crashRetryMs, workerId],
            )
            .catch((e: unknown) => log.error({ err: e, runId: run.runId }, 'could not queue the run again; the supervisor will'));
        },
      )
      .finally(() => {
        running.delete(run.runId);
        wake();
      });
    running.set(run.runId, done);
  }

  function wake() {
    if (!stopping) void claim();
  }

  const timer = setInterval(() => {
    void (async () => {
      try {
        await pool.query('SELECT dispatch_wake_due()');
      } catch (error) {
        if (!stopping) log.error({ err: error }, 'waking due runs failed');
      }
      wake();
    })();
  }, pollMs);
  timer.unref();
  wake();

  return {
    workerId,
    active: () => running.size,
    async stop() {
      stopping = true;
      clearInterval(timer);
      // Runs in flight finish (each attempt is bounded by its timeout); nothing new is claimed.
      await Promise.allSettled([...running.values()]);
      if (relisten) clearTimeout(relisten);
      const last = listener;
      listener = null;
      await last?.query('UNLISTEN conflux_runs').catch(() => undefined);
      last?.release();
    },
  };
}
