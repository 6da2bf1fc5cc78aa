/**
 * Platform overhead: what Conflux adds on top of its job queue. On one fresh database:
 *   1. N trivial graphile-worker jobs (a no-op task), drained by a bare graphile-worker runner with the
 *      worker's own settings (concurrency, pollInterval, pool size);
 *   2. N flow runs of a one-map-step flow (webhook → map), enqueued directly with recordEvent in batches
 *      (as the gateway would, minus HTTP), then drained by the real worker (startWorker).
 * runs/s ÷ jobs/s is the overhead ratio (target ≥ 0.5): the cost of the tenant gate, run and step
 * checkpoints and the engine, relative to the queue's own lock/complete round trips.
 *
 * Settings (environment): BENCH_N (3000), BENCH_WORKER_CONCURRENCY (16), BENCH_BATCH (250 events per
 * enqueue transaction), BENCH_LOG_LEVEL (info), BENCH_NOOP_BATCHED=1 also drains no-op jobs with
 * graphile-worker's completeJobBatchDelay=0, DATABASE_URL. JSON on stdout; a summary on stderr.
 */
import os from 'node:os';
import path from 'node:path';
import type { Runner } from 'graphile-worker';
import { createTenantGate } from '../packages/db/src/tenant-gate.ts';
import { recordEvent } from '../packages/core/src/runs/record-event.ts';
import { parseWorkerConfig } from '../apps/worker/src/env.ts';
import { startWorker } from '../apps/worker/src/worker.ts';
import { startBenchDatabase } from './lib/database.ts';
import { graphile, graphileLogger, pino } from './lib/graphile.ts';
import { pg } from './lib/modules.ts';
import { installProbe, probeStats, type ProbeStats } from './lib/probe.ts';
import { machine, parentOf, treeCpuSeconds } from './lib/procstat.ts';
import { eventBody } from './lib/load.ts';
import { counterDelta, pgCounters, round, sleep, type PgCounters } from './lib/stats.ts';
import { BENCH_MASTER_KEY, setUpTenant } from './lib/tenant.ts';

const env = process.env;
const config = {
  n: Number(env.BENCH_N ?? 3000),
  concurrency: Number(env.BENCH_WORKER_CONCURRENCY ?? 16),
  batch: Number(env.BENCH_BATCH ?? 250),
  logLevel: env.BENCH_LOG_LEVEL ?? 'info',
  noopBatched: env.BENCH_NOOP_BATCHED === '1',
  // As apps/worker/src/worker.ts runs graphile-worker.
  pollInterval: 1000,
};
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Measured {
  count: number;
  seconds: number;
  perS: number;
  perUnit: { commits: number; roundTrips: number; begins: number; cpuMs: { node: number; postgres: number | null } };
  coresBusy: { node: number; postgres: number | null };
}

async function main() {
  installProbe();
  const started = Date.now();
  const loadBefore = os.loadavg();
  const db = await startBenchDatabase(say);
  const owner = new pg.Client({ connectionString: db.systemUrl });
  await owner.connect();
  const postmaster = parentOf((await owner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  const logFile = path.join(os.tmpdir(), `conflux-bench-overhead-${process.pid}.log`);
  const log = pino({ level: config.logLevel, base: undefined }, pino.destination({ dest: logFile, sync: false }));

  say('setting up a tenant and a webhook → map flow through the tRPC API');
  const tenant = await setUpTenant(db, { deliverUrl: null, flows: [{ name: 'Reshape orders', authMode: 'path_token' }] });
  // Sign-up queued a verification mail; this benchmark measures flows only.
  await owner.query('DELETE FROM graphile_worker._private_jobs');

  const snapshot = async () => ({ at: performance.now(), pg: await pgCounters(owner, db.name), pgCpu: postmaster ? treeCpuSeconds(postmaster) : null, probe: probeStats() });
  const measure = (a: Awaited<ReturnType<typeof snapshot>>, b: Awaited<ReturnType<typeof snapshot>>, count: number, firstAt: number, lastAt: number): Measured => {
    const seconds = (lastAt - firstAt) / 1000;
    const wall = (b.at - a.at) / 1000;
    const d: PgCounters = counterDelta(a.pg, b.pg);
    const nodeMs = (p: ProbeStats) => p.cpuUserMs + p.cpuSystemMs;
    const node = nodeMs(b.probe) - nodeMs(a.probe);
    const pgMs = a.pgCpu !== null && b.pgCpu !== null ? (b.pgCpu - a.pgCpu) * 1000 : null;
    return {
      count,
      seconds: round(seconds, 2),
      perS: round(count / seconds),
      perUnit: {
        commits: round(d.xactCommit / count, 2),
        roundTrips: round((b.probe.queries.total - a.probe.queries.total) / count, 2),
        begins: round((b.probe.queries.begin - a.probe.queries.begin) / count, 2),
        cpuMs: { node: round(node / count, 3), postgres: pgMs === null ? null : round(pgMs / count, 3) },
      },
      coresBusy: { node: round(node / 1000 / wall, 2), postgres: pgMs === null ? null : round(pgMs / 1000 / wall, 2) },
    };
  };

  /**
   * Runs are not graphile jobs (the dispatcher claims them from the run table): waits until `count` runs
   * finished and times from the first run's start to the last one's end, by the database's clock.
   */
  const drainRuns = async (count: number, timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await owner.query<{ done: string; failed: string; first: Date | null; last: Date | null }>(
        `SELECT count(*) FILTER (WHERE status IN ('succeeded', 'failed', 'filtered')) AS done, count(*) FILTER (WHERE status = 'failed') AS failed,
                min(started_at) AS first, max(finished_at) AS last FROM run`,
      );
      const row = rows[0]!;
      if (Number(row.done) >= count) return { first: row.first!.getTime(), last: row.last!.getTime(), failed: Number(row.failed) };
      if (Date.now() > deadline) throw new Error(`only ${row.done}/${count} runs done after ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  };

  /** Runs until `count` jobs succeeded; times from the first job's start to the last one's success. */
  const drain = async (runner: Runner, count: number, timeoutMs = 600_000) => {
    let first = 0;
    let last = 0;
    let done = 0;
    let failed = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${done}/${count} jobs done after ${timeoutMs / 1000} s`)), timeoutMs);
      runner.events.on('job:start', () => {
        if (!first) first = performance.now();
      });
      runner.events.on('job:error', () => void failed++);
      runner.events.on('job:success', () => {
        last = performance.now();
        if (++done >= count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    return { first, last, failed };
  };

  const noop = async (label: string, preset?: { worker: { completeJobBatchDelay: number } }) => {
    say(`${label}: ${config.n} no-op graphile-worker jobs, concurrency ${config.concurrency}`);
    await owner.query(`SELECT graphile_worker.add_job('bench-noop', '{}'::json) FROM generate_series(1, $1)`, [config.n]);
    await sleep(1500);
    const pool = new pg.Pool({ connectionString: db.systemUrl, max: config.concurrency + 4 });
    pool.on('error', () => undefined);
    const before = await snapshot();
    const runner = await graphile.run({
      pgPool: pool,
      taskList: { 'bench-noop': async () => undefined },
      concurrency: config.concurrency,
      pollInterval: config.pollInterval,
      noHandleSignals: true,
      crontab: '',
      logger: graphileLogger(log),
      ...(preset ? { preset } : {}),
    });
    const { first, last, failed } = await drain(runner, config.n);
    await runner.stop();
    // Closing the connections makes their backends flush their statistics now.
    await pool.end();
    await sleep(500);
    const after = await snapshot();
    return { ...measure(before, after, config.n, first, last), failed };
  };

  const jobs = await noop('no-op jobs');
  const jobsBatched = config.noopBatched ? await noop('no-op jobs, completeJobBatchDelay=0', { worker: { completeJobBatchDelay: 0 } }) : null;

  say(`flow runs: enqueueing ${config.n} events with recordEvent (${config.batch} per transaction)`);
  const gate = createTenantGate(db.appUrl, { max: 4 });
  const flowId = tenant.hooks[0]!.flowId;
  const enqueueStart = performance.now();
  for (let i = 0; i < config.n; i += config.batch) {
    await gate.withTenant(tenant.tenantId, async (tx) => {
      for (let seq = i; seq < Math.min(config.n, i + config.batch); seq++) {
        await recordEvent(tx, { tenantId: tenant.tenantId, flowId, source: 'webhook', sourceEventId: `overhead-${seq}`, payload: JSON.parse(eventBody('overhead', seq)) });
      }
    });
  }
  const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
  await gate.close();
  await sleep(1500);

  say(`flow runs: draining with the real worker (startWorker), concurrency ${config.concurrency}`);
  const before = await snapshot();
  const worker = await startWorker(
    parseWorkerConfig({
      DATABASE_SYSTEM_URL: db.systemUrl,
      DATABASE_APP_URL: db.appUrl,
      SMTP_URL: 'smtp://127.0.0.1:2525',
      WORKER_CONCURRENCY: String(config.concurrency),
      MASTER_KEYS: BENCH_MASTER_KEY,
      LOG_LEVEL: config.logLevel,
    }),
    log,
  );
  const { first, last, failed } = await drainRuns(config.n);
  await worker.stop();
  await sleep(500);
  const after = await snapshot();
  const runs = { ...measure(before, after, config.n, first, last), failed };

  const { rows } = await owner.query<{ runs: string; succeeded: string; steps: string; jobs: string }>(
    `SELECT (SELECT count(*) FROM run) AS runs, (SELECT count(*) FROM run WHERE status = 'succeeded') AS succeeded,
            (SELECT count(*) FROM run_step WHERE status = 'succeeded') AS steps, (SELECT count(*) FROM graphile_worker._private_jobs) AS jobs`,
  );
  const verified = { runs: Number(rows[0]!.runs), succeededRuns: Number(rows[0]!.succeeded), succeededSteps: Number(rows[0]!.steps), jobsLeft: Number(rows[0]!.jobs), ok: false };
  verified.ok = verified.runs === config.n && verified.succeededRuns === config.n && verified.succeededSteps === config.n && verified.jobsLeft === 0;

  const ratio = round(runs.perS / jobs.perS, 3);
  const output = {
    benchmark: 'platform-overhead',
    startedAt: new Date(started).toISOString(),
    machine: { ...machine(), cores: os.availableParallelism(), loadAverageBefore: loadBefore.map((v) => round(v, 2)), loadAverageAfter: os.loadavg().map((v) => round(v, 2)) },
    node: process.version,
    database: { kind: db.kind, version: db.server.version, settings: db.server.settings },
    config: { ...config, flow: 'webhook → map (JSONata), no delivery' },
    noopJobs: jobs,
    ...(jobsBatched ? { noopJobsCompleteBatched: jobsBatched } : {}),
    flowRuns: { ...runs, enqueue: { seconds: round(enqueueSeconds, 2), perS: round(config.n / enqueueSeconds) }, verified },
    ratio: { value: ratio, target: 0.5, met: ratio >= 0.5 && verified.ok },
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  process.stderr.write(
    [
      '',
      `platform-overhead — N=${config.n}, concurrency ${config.concurrency}, ${os.availableParallelism()} cores`,
      `  no-op jobs : ${jobs.perS} jobs/s   ${jobs.perUnit.commits} commits, ${jobs.perUnit.roundTrips} round trips, cpu node ${jobs.perUnit.cpuMs.node} ms + pg ${jobs.perUnit.cpuMs.postgres} ms per job`,
      ...(jobsBatched ? [`  no-op jobs (completeJobBatchDelay=0): ${jobsBatched.perS} jobs/s   ${jobsBatched.perUnit.commits} commits, ${jobsBatched.perUnit.roundTrips} round trips per job`] : []),
      `  flow runs  : ${runs.perS} runs/s   ${runs.perUnit.commits} commits, ${runs.perUnit.roundTrips} round trips, cpu node ${runs.perUnit.cpuMs.node} ms + pg ${runs.perUnit.cpuMs.postgres} ms per run`,
      `  ratio      : ${ratio} (target ≥ 0.5) ${output.ratio.met ? 'met' : 'MISSED'}; verified ${verified.ok}`,
      `  load average before/after: ${output.machine.loadAverageBefore.join(' ')} / ${output.machine.loadAverageAfter.join(' ')}`,
      '',
    ].join('\n'),
  );
  await owner.end();
  await db.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
