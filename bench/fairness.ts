/**
 * Fairness between tenants: 100 tenants, 99 "quiet" ones sending one event per second each and one
 * "flooder" dumping 100,000 events at once. Measured for two queues in front of the same per-run work
 * (executeRun of a webhook → map → http POST flow, the POST answered by a local server after a few ms),
 * with the same number of runs executing at once, on one database:
 *
 *   dispatcher    the worker as it runs (startWorker): runs are claimed by claim_runs(), weighted fair
 *                 queueing between tenants within each plan's concurrency cap;
 *   fifo          the baseline: plain graphile-worker jobs in arrival order (priority 0), one `bench-run`
 *                 job per run added in the run's own transaction, executed by graphile-worker's run() with
 *                 executeRun and the worker's RunDeps; no dispatcher runs.
 *
 * For each: a warm-up, then phase A (no flood): the quiet tenants' load for FAIRNESS_SECONDS; then phase B:
 * the flooder's events are inserted as fast as possible (FAIRNESS_FLOOD_BATCH per transaction, event and run
 * rows in one statement), and at once the same quiet load runs again while the flood is being worked off.
 * Latency is a quiet event's database timestamps: run.started_at − event.received_at. Reported per queue:
 * quiet p50/p99 without and with the flood and their ratio (the interference ratio, target ≤ 1.5; also
 * from the event's commit, the queue's part alone), Jain's index of per-tenant throughput in the flood
 * window (demand-normalised, raw, and against the plans' weighted fair shares), the capacity the window had
 * against what the quiet tenants need under weighted fair queueing, the flooder's runs/s, and where the
 * quiet runs' time went (recording, waiting to be claimed, claim to start; claim_runs() and
 * dispatch_wake_due() cost, busy slots, what the database's backends waited on, CPU, event-loop delay).
 * The flood is not drained: what is left is deleted before the next queue.
 *
 * Settings (environment): FAIRNESS_FLOOD (100000), FAIRNESS_SECONDS (20), FAIRNESS_TENANTS (100, one of them
 * the flooder), FAIRNESS_WORKER_CONCURRENCY (16), FAIRNESS_WORK_MS (5: the receiving server's answer
 * delay), FAIRNESS_WARMUP_SECONDS (3), FAIRNESS_FLOOD_BATCH (1000), FAIRNESS_FLOOD_PLAN (business),
 * FAIRNESS_QUIET_PLAN (free), FAIRNESS_SYSTEMS (dispatcher,fifo), FAIRNESS_GRACE_SECONDS (15) and
 * FAIRNESS_FIFO_GRACE_SECONDS (3): how long quiet runs may still start after a phase, FAIRNESS_SQL (an SQL
 * file applied to the benchmark's database after migrating, `:bench_db` naming it: to measure a proposed
 * change of claim_runs() and friends without touching the migrations), BENCH_LOG_LEVEL (info, to a file),
 * FAIRNESS_FLOOD_AT_SECONDS (unset: the flood is inserted before phase B's quiet load; n: n seconds into it,
 * while the quiet tenants keep sending, and the flood window includes the insert), FAIRNESS_ANALYZE=0 (do not ANALYZE run and event after the flood: leave it to autovacuum, and plans cached
 * while the tables were small to the sessions that cached them), BENCH_KEEP_DB=1, DATABASE_URL (else an
 * embedded server).
 *
 * JSON on stdout; progress and a one-screen summary on stderr.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Runner } from 'graphile-worker';
import { parseWorkerConfig } from '../apps/worker/src/env.ts';
import { startWorker, type RunningWorker } from '../apps/worker/src/worker.ts';
import { loadFlowForEvents, recordEvent, type FlowForEvents } from '../packages/core/src/index.ts';
import { createTenantGate, type TenantGate } from '../packages/db/src/tenant-gate.ts';
import { startBenchDatabase, type BenchDatabase } from './lib/database.ts';
import { graphile, graphileLogger, pino } from './lib/graphile.ts';
import { eventBody } from './lib/load.ts';
import { pg, type PgClient } from './lib/modules.ts';
import { machine, machineBusyCpuSeconds, parentOf, treeCpuSeconds } from './lib/procstat.ts';
import { startReceiver } from './lib/receiver.ts';
import { createRunExecutor } from './lib/run-deps.ts';
import { timeStatements, type TimedStatement } from './lib/sql-timer.ts';
import { jainIndex, round, sleep, summarize } from './lib/stats.ts';
import { BENCH_MASTER_KEY, createTenantWithFlow, flowDefinition } from './lib/tenant.ts';
import { cleanUpAndExit, cleanupsOnInterrupt } from './lib/cleanups.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const config = {
  tenants: num('FAIRNESS_TENANTS', 100),
  flood: num('FAIRNESS_FLOOD', 100_000),
  seconds: num('FAIRNESS_SECONDS', 20),
  warmupSeconds: num('FAIRNESS_WARMUP_SECONDS', 3),
  workerConcurrency: num('FAIRNESS_WORKER_CONCURRENCY', 16),
  workMs: num('FAIRNESS_WORK_MS', 5),
  floodBatch: num('FAIRNESS_FLOOD_BATCH', 1000),
  floodPlan: env.FAIRNESS_FLOOD_PLAN ?? 'business',
  quietPlan: env.FAIRNESS_QUIET_PLAN ?? 'free',
  systems: (env.FAIRNESS_SYSTEMS ?? 'dispatcher,fifo').split(',').map((s) => s.trim()).filter(Boolean) as ('dispatcher' | 'fifo')[],
  logLevel: env.BENCH_LOG_LEVEL ?? 'info',
  // The per-connection egress budget (EGRESS_RATE_PER_SECOND, 50/s by default) would cap the flooder's one
  // flow at 50 runs/s and measure the budget, not the queue: lifted, as the other benchmarks lift it.
  egressRatePerSecond: 100_000,
  // How long to wait after a phase for its quiet runs to start (the FIFO baseline's never do during a flood).
  graceSeconds: { dispatcher: num('FAIRNESS_GRACE_SECONDS', 15), fifo: num('FAIRNESS_FIFO_GRACE_SECONDS', 3) },
  // ANALYZE run and event right after the flood is inserted (FAIRNESS_ANALYZE=0: leave it to autovacuum).
  analyzeAfterFlood: env.FAIRNESS_ANALYZE !== '0',
  // FAIRNESS_FLOOD_AT_SECONDS: the flood arrives this far into phase B's quiet load instead of before it
  // (the quiet tenants keep sending as the flood starts, as they would).
  floodAtSeconds: env.FAIRNESS_FLOOD_AT_SECONDS ? Number(env.FAIRNESS_FLOOD_AT_SECONDS) : null,
  target: 1.5,
};
const say = (line: string) => process.stderr.write(`[bench:fairness] ${line}\n`);

interface BenchTenant {
  index: number;
  name: string;
  tenantId: string;
  flowId: string;
  versionId: string;
  flow: FlowForEvents;
}

/** A quiet event as the load generator sent it. */
interface SentEvent {
  tenant: number;
  runId: string;
  scheduledAt: number;
  sentAt: number;
  /** When its recording transaction had committed (epoch ms). */
  committedAt: number;
}

interface LoadResult {
  phase: string;
  sent: SentEvent[];
  failed: number;
  firstError: string | null;
  /** The load window, epoch ms: the first scheduled send to one period after the last round started. */
  from: number;
  to: number;
}

/** What each queue under test offers the measurement. */
interface System {
  name: 'dispatcher' | 'fifo';
  /** Runs executing now. */
  active(): number;
  /** Epoch ms at which each run was claimed (dispatcher: claim_runs returned it; fifo: its job started). */
  claimedAt: Map<string, number>;
  /** claim_runs() calls (dispatcher only). */
  claims: TimedStatement[];
  /** dispatch_wake_due() calls (dispatcher only): each tenant it wakes had due runs no claim had noticed. */
  wakeDue: TimedStatement[];
  stop(): Promise<void>;
}

/** What to undo if the run is interrupted (Ctrl-C): apps, servers, the database. */
const cleanups = cleanupsOnInterrupt(say);

async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const code = codeVersion();
  const db = await startBenchDatabase(say);
  cleanups.push(() => db.close());
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  // Dropping the database at the end ends every connection to it: not an error worth a crash.
  owner.on('error', (error) => say(`owner connection: ${error.message}`));
  await owner.connect();
  // A connection of its own for sampling pg_stat_activity during the phases.
  const sampler = new pg.Client({ connectionString: db.ownerUrl });
  sampler.on('error', () => undefined);
  await sampler.connect();
  // The PostgreSQL server's process tree, for its CPU time (when it runs on this machine).
  const postmaster = parentOf((await owner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  const logFile = path.join(os.tmpdir(), `conflux-bench-fairness-${process.pid}.log`);
  const log = pino({ level: config.logLevel, base: undefined }, pino.destination({ dest: logFile, sync: false }));
  const receiver = await startReceiver(() => undefined, { delayMs: config.workMs });
  cleanups.push(() => receiver.close());

  // Tenants: the flooder first, then the quiet ones, each with one webhook → map → http flow.
  say(`creating ${config.tenants} tenants (1 on ${config.floodPlan}, ${config.tenants - 1} on ${config.quietPlan}), one flow each`);
  const definition = flowDefinition({ connectionId: null, deliverUrl: `${receiver.url}/deliver` });
  const tenants: BenchTenant[] = [];
  const gate = createTenantGate(db.appUrl, { max: 24 });
  cleanups.push(() => gate.close());
  for (let i = 0; i < config.tenants; i++) {
    const name = i === 0 ? 'Flooder' : `Quiet ${String(i).padStart(3, '0')}`;
    const created = await createTenantWithFlow(owner, { name, plan: i === 0 ? config.floodPlan : config.quietPlan, flowName: `${name} orders to ERP`, definition });
    const flow = await gate.withTenant(created.tenantId, (tx) => loadFlowForEvents(tx, { tenantId: created.tenantId, flowId: created.flowId }));
    tenants.push({ index: i, name, ...created, flow: flow! });
  }
  const flooder = tenants[0]!;
  const quiet = tenants.slice(1);
  const plans = Object.fromEntries(
    (await owner.query<{ id: string; weight: number; concurrent_runs: number }>(`SELECT id, weight, concurrent_runs FROM plan WHERE id = ANY($1)`, [[config.floodPlan, config.quietPlan]])).rows.map(
      (p) => [p.id, { weight: p.weight, concurrentRuns: p.concurrent_runs }],
    ),
  );

  const workerEnv = {
    DATABASE_SYSTEM_URL: db.systemUrl,
    DATABASE_APP_URL: db.appUrl,
    SMTP_URL: 'smtp://127.0.0.1:9',
    MASTER_KEYS: BENCH_MASTER_KEY,
    WORKER_CONCURRENCY: String(config.workerConcurrency),
    LOG_LEVEL: config.logLevel,
    // The receiving server is on loopback, which the egress guard refuses unless the operator allows it.
    EGRESS_ALLOW: '127.0.0.0/8',
    EGRESS_RATE_PER_SECOND: String(config.egressRatePerSecond),
  };
  const workerConfig = parseWorkerConfig(workerEnv);

  // An experiment: SQL applied to this benchmark's database only (e.g. a changed claim_runs()), never to
  // the migrations; recorded in the output with its digest.
  let sqlPatch: { file: string; sha256: string } | null = null;
  if (env.FAIRNESS_SQL) {
    const text = fs.readFileSync(env.FAIRNESS_SQL, 'utf8');
    say(`applying ${env.FAIRNESS_SQL} to the benchmark database`);
    await owner.query(text.replaceAll(':bench_db', `"${db.name}"`));
    sqlPatch = { file: path.resolve(env.FAIRNESS_SQL), sha256: crypto.createHash('sha256').update(text).digest('hex').slice(0, 12) };
  }

  const results: Record<string, unknown> = {};
  for (const name of config.systems) {
    await resetQueues(owner);
    say(`${name}: starting (concurrency ${config.workerConcurrency})`);
    const system = name === 'dispatcher' ? await startDispatcherSystem(workerConfig, log) : await startFifoSystem(db, workerConfig, log);
    cleanups.push(() => system.stop());
    const phase = (p: string) => `${name}:${p}`;
    const fifo = name === 'fifo';
    const grace = config.graceSeconds[name] * 1000;

    say(`${name}: warm-up, ${config.warmupSeconds} s of quiet load`);
    const warm = await quietLoad(gate, quiet, config.warmupSeconds, phase('warmup'), fifo);
    await waitStarted(owner, warm, 30_000);
    await sleep(1000);

    say(`${name}: phase A (no flood): ${quiet.length} tenants × 1 event/s for ${config.seconds} s`);
    const monitorA = startMonitor(system, postmaster, sampler, db.name);
    const loadA = await quietLoad(gate, quiet, config.seconds, phase('quiet'), fifo);
    const collectA = await waitStarted(owner, loadA, 30_000);
    const statsA = monitorA.stop(loadA.from, loadA.to);
    await sleep(1000);

    const monitorB = startMonitor(system, postmaster, sampler, db.name);
    const flooding = async () => {
      const inserted = await insertFlood(gate, flooder, config.flood, config.floodBatch, fifo);
      say(`${name}: flood inserted in ${round(inserted.seconds, 2)} s (${round(inserted.events / inserted.seconds)} events/s)`);
      if (config.analyzeAfterFlood) {
        // As autovacuum soon would: statistics that know the new rows. Besides, it invalidates plans that
        // sessions cached while the tables were small (plpgsql functions keep their plans per session).
        const t = performance.now();
        await owner.query('ANALYZE run, event');
        say(`${name}: ANALYZE run, event (${Math.round(performance.now() - t)} ms)`);
      }
      return inserted;
    };
    let flood: Awaited<ReturnType<typeof insertFlood>>;
    let loadB: LoadResult;
    if (config.floodAtSeconds === null) {
      say(`${name}: phase B: inserting ${config.flood} flood events (${config.floodBatch} per transaction), then the same quiet load`);
      flood = await flooding();
      loadB = await quietLoad(gate, quiet, config.seconds, phase('flood'), fifo);
    } else {
      say(`${name}: phase B: the same quiet load; ${config.floodAtSeconds} s into it, ${config.flood} flood events arrive`);
      [loadB, flood] = await Promise.all([quietLoad(gate, quiet, config.seconds, phase('flood'), fifo), sleep(config.floodAtSeconds * 1000).then(flooding)]);
    }
    const backlogAtEnd = Number(
      (await owner.query<{ n: string }>(`SELECT count(*) AS n FROM run WHERE tenant_id = $1 AND status IN ('queued', 'retrying')`, [flooder.tenantId])).rows[0]!.n,
    );
    const collectB = await waitStarted(owner, loadB, grace);
    const statsB = monitorB.stop(loadB.from, loadB.to);
    const perTenant = await startsPerTenant(owner, loadB.from, loadB.to);
    const durations = { noFlood: await runDurations(owner, loadA.from, loadA.to), flood: await runDurations(owner, loadB.from, loadB.to) };
    const ahead = fifo ? await queuedCreatedAt(owner) : null;
    const statuses = Object.fromEntries((await owner.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM run GROUP BY status ORDER BY status`)).rows.map((r) => [r.status, Number(r.n)]));
    say(`${name}: stopping`);
    await system.stop();
    cleanups.pop();

    results[name] = describeSystem({
      system,
      tenants,
      flooder,
      plans,
      phaseA: { load: loadA, collected: collectA, stats: statsA },
      phaseB: { load: loadB, collected: collectB, stats: statsB },
      perTenant,
      durations,
      flood: { ...flood, backlogAtEnd },
      ahead,
      statuses,
      deliveries: receiver.requests(),
    });
    say(`${name}: ${oneLine(results[name] as SystemResult)}`);
  }

  const dispatcher = results.dispatcher as SystemResult | undefined;
  const output = {
    benchmark: 'fairness',
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: {
      cpus: os.availableParallelism(),
      node: process.version,
      ...machine(),
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      loadAverageBefore: loadBefore.map((v) => round(v, 2)),
      loadAverageAfter: os.loadavg().map((v) => round(v, 2)),
    },
    database: { kind: db.kind, version: db.server.version, settings: db.server.settings },
    // The checkout is edited while benchmarks run: which dispatcher and claim_runs() were measured.
    code: { ...code, sqlPatch },
    config: {
      ...config,
      scenario: `${config.tenants} tenants: ${config.tenants - 1} quiet ones send 1 event/s each (staggered), 1 flooder inserts ${config.flood} events at once`,
      flow: `webhook → map (JSONata) → http POST to a local server that answers after ${config.workMs} ms`,
      plans: {
        flooder: { plan: config.floodPlan, ...plans[config.floodPlan] },
        quiet: { plan: config.quietPlan, ...plans[config.quietPlan] },
        why: 'the flooder is a big customer (highest weight and concurrency cap), the hardest case for the others',
      },
      latency: 'run.started_at − event.received_at (database timestamps; received_at is the recording transaction’s start)',
      jain: {
        over: 'the tenants with work in the flood window (every quiet tenant and the flooder), runs started in the window',
        normalised:
          'the fairness figure: per tenant runs started ÷ runs demanded, capped at 1 (quiet tenants demand what they sent, 1/s; the flooder’s 100,000 exceed any capacity, so its demand is bounded by its weighted max-min fair share). Jain measures equality, not adequacy: quiet tenants all served at 75% still give ~0.999 — read it with quietServedRatio',
        raw: 'per tenant runs started per second: quiet tenants ask for 1/s and the flooder for everything, so Jain over such unequal demand is low (~0.04–0.4) even when every tenant gets what it asked for — not a fairness measure, shown for completeness',
        vsWeightedShare: 'per tenant runs started ÷ its weighted max-min fair share of the window’s capacity (plan weights, demand-capped), capped at 1: how closely the queue follows its own policy',
      },
      queues: {
        dispatcher: 'startWorker as deployed: claim_runs() (weighted fair queueing, plan caps), LISTEN conflux_runs, 1 s poll',
        fifo: 'graphile-worker run() with a bench-run task calling executeRun with the worker’s RunDeps; jobs added in the run’s transaction (app_enqueue / app_enqueue_many), FIFO priority 0; no dispatcher',
      },
      logFile,
    },
    dispatcher: results.dispatcher ?? null,
    fifoBaseline: results.fifo ?? null,
    targetMet: dispatcher
      ? (dispatcher.interferenceP50 ?? Infinity) <= config.target && (dispatcher.interferenceP99 ?? Infinity) <= config.target
      : null,
    target: { interferenceP50: `≤ ${config.target}`, interferenceP99: `≤ ${config.target}` },
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  printSummary(output);

  await owner.end();
  await sampler.end();
  await gate.close();
  await receiver.close();
  await db.close();
}

/** The revision and digests of the files that decide dispatching (the working tree may differ from HEAD). */
function codeVersion() {
  const digest = (file: string) => {
    try {
      return crypto.createHash('sha256').update(fs.readFileSync(path.join(root, file))).digest('hex').slice(0, 12);
    } catch {
      return null;
    }
  };
  let head: string | null = null;
  try {
    head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  return {
    gitHead: head,
    sha256: Object.fromEntries(DISPATCH_FILES.map((f) => [f, digest(f)])),
  };
}

const DISPATCH_FILES = ['prisma/migrations/006.do.plans-and-dispatch.sql', 'apps/worker/src/dispatcher.ts', 'apps/worker/src/worker.ts', 'packages/core/src/runs/execute-run.ts'];

// ---------------------------------------------------------------------------------------------------------
// The two queues

async function startDispatcherSystem(workerConfig: ReturnType<typeof parseWorkerConfig>, log: import('pino').Logger): Promise<System> {
  const claimedAt = new Map<string, number>();
  const claims: TimedStatement[] = [];
  const wakeDue: TimedStatement[] = [];
  const untime = timeStatements(
    (text) => text.includes('claim_runs(') || text.includes('dispatch_wake_due('),
    (s) => {
      if (s.text.includes('dispatch_wake_due(')) return void wakeDue.push(s);
      claims.push(s);
      for (const row of s.rows ?? []) claimedAt.set(String(row.run_id), s.endedAt);
    },
  );
  const worker: RunningWorker = await startWorker(workerConfig, log);
  let stopped = false;
  return {
    name: 'dispatcher',
    active: () => worker.dispatcher.active(),
    claimedAt,
    claims,
    wakeDue,
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker.stop();
      untime();
    },
  };
}

async function startFifoSystem(db: BenchDatabase, workerConfig: ReturnType<typeof parseWorkerConfig>, log: import('pino').Logger): Promise<System> {
  const claimedAt = new Map<string, number>();
  const executor = createRunExecutor(workerConfig, log);
  // As apps/worker/src/worker.ts sizes and runs graphile-worker.
  const pool = new pg.Pool({ connectionString: db.systemUrl, max: workerConfig.concurrency + 6 });
  pool.on('error', (error) => log.error({ err: error }, 'idle database connection failed'));
  pool.on('connect', (client) => client.on('error', (error) => log.error({ err: error }, 'database connection failed')));
  let active = 0;
  const runner: Runner = await graphile.run({
    pgPool: pool,
    taskList: {
      'bench-run': async (payload) => {
        const job = payload as { tenantId: string; runId: string };
        claimedAt.set(job.runId, Date.now());
        active++;
        try {
          await executor.execute(job);
        } finally {
          active--;
        }
      },
    },
    concurrency: workerConfig.concurrency,
    pollInterval: 1000,
    noHandleSignals: true,
    crontab: '',
    logger: graphileLogger(log),
  });
  let stopped = false;
  return {
    name: 'fifo',
    active: () => active,
    claimedAt,
    claims: [],
    wakeDue: [],
    async stop() {
      if (stopped) return;
      stopped = true;
      await runner.stop();
      await executor.close();
      await pool.end();
    },
  };
}

/** Empties the queues between systems: no events, runs or jobs, every tenant idle at virtual time 0. */
async function resetQueues(owner: PgClient) {
  await owner.query('TRUNCATE event CASCADE');
  await owner.query('DELETE FROM graphile_worker._private_jobs');
  // A running-runs counter on the account (older versions of the dispatch migration) is reset with the runs.
  const counter = await owner.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'tenant_account' AND column_name = 'running'`);
  await owner.query(`UPDATE tenant_account SET pending = false, vtime = 0, runs_this_month = 0${counter.rowCount ? ', running = 0' : ''}`);
  await owner.query('VACUUM ANALYZE run');
  await owner.query('VACUUM ANALYZE event');
  await owner.query('VACUUM ANALYZE tenant_account');
}

// ---------------------------------------------------------------------------------------------------------
// Load

/**
 * Each quiet tenant records one event per second for `seconds`, staggered evenly over the second, each in
 * its own tenant-gate transaction as the gateway records it (recordEvent with the flow read beforehand);
 * for the FIFO baseline the run's job is added in the same transaction, as recordEvent used to.
 */
async function quietLoad(gate: TenantGate, quiet: BenchTenant[], seconds: number, phase: string, fifo: boolean): Promise<LoadResult> {
  const n = quiet.length;
  const total = n * seconds;
  const from = Date.now() + 20;
  const sent: SentEvent[] = [];
  let failed = 0;
  let firstError: string | null = null;
  const inFlight: Promise<void>[] = [];
  const send = async (i: number, k: number, scheduledAt: number) => {
    const t = quiet[i]!;
    const seq = k * n + i;
    const sentAt = Date.now();
    try {
      const runId = await gate.withTenant(t.tenantId, async (tx) => {
        const recorded = await recordEvent(tx, { tenantId: t.tenantId, flowId: t.flowId, source: 'webhook', sourceEventId: `${phase}-${seq}`, payload: JSON.parse(eventBody(phase, seq)) }, { flow: t.flow });
        if (fifo) {
          await tx.$executeRawUnsafe(`SELECT app_enqueue('bench-run', $1::json, NULL, 20, $2, 0)`, JSON.stringify({ tenantId: t.tenantId, runId: recorded.runId }), `run:${recorded.runId}`);
        }
        return recorded.runId;
      });
      sent.push({ tenant: t.index, runId, scheduledAt, sentAt, committedAt: Date.now() });
    } catch (error) {
      failed++;
      firstError ??= (error as Error).message;
    }
  };
  let next = 0;
  while (next < total) {
    const now = Date.now();
    let due = 0;
    while (next < total) {
      due = from + Math.floor(next / n) * 1000 + ((next % n) * 1000) / n;
      if (due > now) break;
      inFlight.push(send(next % n, Math.floor(next / n), due));
      next++;
    }
    if (next < total) await sleep(Math.max(1, Math.min(5, due - now)));
  }
  await Promise.all(inFlight);
  return { phase, sent, failed, firstError, from, to: from + seconds * 1000 };
}

/**
 * The flooder's events and runs, `batch` per transaction, each batch one statement (as storeDeviceMessages
 * records many events at once); for the FIFO baseline the runs' jobs are added in the same statement.
 */
async function insertFlood(gate: TenantGate, flooder: BenchTenant, count: number, batch: number, fifo: boolean) {
  const template = eventBody('flood', 0);
  const enqueue = fifo
    ? `SELECT app_enqueue_many('bench-run', array_agg(json_build_object('tenantId', $1::text, 'runId', id::text)), array_agg('run:' || id::text), 20) FROM runs`
    : `SELECT count(*) FROM runs`;
  const sql = `WITH ev AS (
      INSERT INTO event (tenant_id, flow_id, source, source_event_id, payload)
      SELECT $1::uuid, $2::uuid, 'webhook', 'flood-' || g, jsonb_set(jsonb_set($4::jsonb, '{seq}', to_jsonb(g)), '{order,id}', to_jsonb('ord_' || g))
        FROM generate_series($5::int, $6::int) AS g
      RETURNING id
    ), runs AS (
      INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id)
      SELECT $1::uuid, $2::uuid, $3::uuid, id FROM ev
      RETURNING id
    )
    ${enqueue}`;
  const t0 = performance.now();
  for (let from = 0; from < count; from += batch) {
    const to = Math.min(count, from + batch) - 1;
    await gate.withTenant(flooder.tenantId, (tx) => tx.$executeRawUnsafe(sql, flooder.tenantId, flooder.flowId, flooder.versionId, template, from, to));
  }
  return { events: count, seconds: (performance.now() - t0) / 1000 };
}

// ---------------------------------------------------------------------------------------------------------
// Measurement

interface QuietRun {
  runId: string;
  tenant: number;
  receivedAt: number;
  createdAt: number;
  startedAt: number | null;
}

interface Collected {
  runs: QuietRun[];
  /** When the database was last asked: the lower bound of runs that had not started yet. */
  at: number;
}

/** Waits until every run of a load has started (or `timeoutMs`), and returns their timestamps. */
async function waitStarted(owner: PgClient, load: LoadResult, timeoutMs: number): Promise<Collected> {
  const ids = load.sent.map((s) => s.runId);
  const byRun = new Map(load.sent.map((s) => [s.runId, s.tenant]));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = Date.now();
    const { rows } = await owner.query<{ id: string; received: string; created: string; started: string | null }>(
      `SELECT r.id, extract(epoch FROM e.received_at) * 1000 AS received, extract(epoch FROM r.created_at) * 1000 AS created,
              extract(epoch FROM r.started_at) * 1000 AS started
         FROM run r JOIN event e ON e.id = r.event_id WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
    const runs = rows.map((r) => ({ runId: r.id, tenant: byRun.get(r.id)!, receivedAt: Number(r.received), createdAt: Number(r.created), startedAt: r.started === null ? null : Number(r.started) }));
    if (runs.every((r) => r.startedAt !== null) || Date.now() > deadline) return { runs, at };
    await sleep(250);
  }
}

/** Runs started per tenant in [from, to). */
async function startsPerTenant(owner: PgClient, from: number, to: number): Promise<Map<string, number>> {
  const { rows } = await owner.query<{ tenant_id: string; n: number }>(
    `SELECT tenant_id, count(*)::int AS n FROM run WHERE started_at >= $1 AND started_at < $2 GROUP BY tenant_id`,
    [new Date(from), new Date(to)],
  );
  return new Map(rows.map((r) => [r.tenant_id, r.n]));
}

/** How long runs started in [from, to) took, start to finish (the per-run work as the machine's load stretches it). */
async function runDurations(owner: PgClient, from: number, to: number) {
  const { rows } = await owner.query<{ ms: string }>(
    `SELECT extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM run WHERE started_at >= $1 AND started_at < $2 AND finished_at IS NOT NULL`,
    [new Date(from), new Date(to)],
  );
  return summarize(rows.map((r) => Number(r.ms)));
}

/** Creation times (epoch ms, sorted) of every run still queued: the FIFO queue ahead of a waiting job. */
async function queuedCreatedAt(owner: PgClient): Promise<{ createdAt: Float64Array; at: number }> {
  const at = Date.now();
  const { rows } = await owner.query<{ c: string }>(`SELECT extract(epoch FROM created_at) * 1000 AS c FROM run WHERE status = 'queued'`);
  return { createdAt: Float64Array.from(rows.map((r) => Number(r.c))).sort(), at };
}

/**
 * Busy slots, event-loop delay, CPU (this process: worker + load + receiver; PostgreSQL; the machine) and
 * what this database's busy backends were doing (pg_stat_activity sampled every 100 ms) over a phase.
 */
function startMonitor(system: System, postmaster: number | null, sampler: PgClient, database: string) {
  const busy: number[] = [];
  const waits = new Map<string, number>();
  let samples = 0;
  let sampling = false;
  const timer = setInterval(() => {
    busy.push(system.active());
    if (sampling) return;
    sampling = true;
    sampler
      .query<{ what: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' ' || regexp_replace(left(regexp_replace(query, '\\s+', ' ', 'g'), 60), '\\$\\d+', '?', 'g') AS what, count(*)::int AS n
           FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
        [database],
      )
      .then(
        ({ rows }) => {
          samples++;
          for (const r of rows) waits.set(r.what, (waits.get(r.what) ?? 0) + r.n);
        },
        () => undefined,
      )
      .finally(() => (sampling = false));
  }, 100);
  const resolution = 10;
  const loop = monitorEventLoopDelay({ resolution });
  loop.enable();
  const claimsFrom = system.claims.length;
  const wakeFrom = system.wakeDue.length;
  const cpu0 = process.cpuUsage();
  const pg0 = postmaster ? treeCpuSeconds(postmaster) : null;
  const all0 = machineBusyCpuSeconds();
  const t0 = performance.now();
  // The histogram holds the timer's whole interval: the delay is what exceeds the resolution.
  const lag = (ns: number) => round(Math.max(0, ns / 1e6 - resolution), 1);
  return {
    stop(from: number, to: number) {
      clearInterval(timer);
      loop.disable();
      const wallS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const pg1 = postmaster ? treeCpuSeconds(postmaster) : null;
      const all1 = machineBusyCpuSeconds();
      const claims = system.claims.slice(claimsFrom).filter((c) => c.startedAt >= from && c.startedAt < to);
      const claimed = claims.reduce((s, c) => s + (c.rows?.length ?? 0), 0);
      return {
        busySlots: { mean: round(busy.reduce((s, v) => s + v, 0) / Math.max(1, busy.length), 2), saturatedShare: round(busy.filter((b) => b >= config.workerConcurrency).length / Math.max(1, busy.length), 3) },
        eventLoopDelayMs: { p50: lag(loop.percentile(50)), p99: lag(loop.percentile(99)), max: lag(loop.max) },
        // Backends of this database busy at a sample, by wait (CPU: none) and statement: mean count per sample.
        activeBackends: {
          samples,
          mean: round([...waits.values()].reduce((a, b) => a + b, 0) / Math.max(1, samples), 2),
          top: Object.fromEntries(
            [...waits.entries()]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 12)
              .map(([k, v]) => [k, round(v / Math.max(1, samples), 3)]),
          ),
        },
        // Cores kept busy over the phase (flood insert included in phase B), of os.availableParallelism():
        // this process (worker, load, receiver), the PostgreSQL server (every database on it), the machine.
        coresBusy: {
          benchProcess: round((cpu.user + cpu.system) / 1e6 / wallS, 2),
          postgres: pg0 === null || pg1 === null ? null : round((pg1 - pg0) / wallS, 2),
          machine: all0 === null || all1 === null ? null : round((all1 - all0) / wallS, 2),
        },
        claimRuns: system.name === 'dispatcher'
          ? {
              calls: claims.length,
              callsPerS: round(claims.length / ((to - from) / 1000)),
              emptyCalls: claims.filter((c) => (c.rows?.length ?? 0) === 0).length,
              runsPerCall: round(claimed / Math.max(1, claims.length), 2),
              ms: summarize(claims.map((c) => c.ms)),
              failed: claims.filter((c) => c.rows === null).length,
            }
          : null,
        // The 1 s safety net: tenants with due runs that were not pending (a lost wake-up, or a retry due).
        dispatchWakeDue: system.name === 'dispatcher'
          ? (() => {
              const calls = system.wakeDue.slice(wakeFrom).filter((c) => c.startedAt >= from && c.startedAt < to);
              return {
                calls: calls.length,
                tenantsWoken: calls.reduce((s, c) => s + Number(c.rows?.[0]?.dispatch_wake_due ?? 0), 0),
                ms: summarize(calls.map((c) => c.ms)),
              };
            })()
          : null,
      };
    },
  };
}

type Monitored = ReturnType<ReturnType<typeof startMonitor>['stop']>;

interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Runs that had not started when measured: their latency counts as "at least until then". */
  notStarted: number;
}

/** Event to run start (from received_at), or with `load`, from the commit of the event's transaction. */
function latencyOf(collected: Collected, load?: LoadResult): LatencySummary {
  const committedAt = new Map(load?.sent.map((s) => [s.runId, s.committedAt]));
  const values = collected.runs.map((r) => (r.startedAt ?? collected.at) - (load ? committedAt.get(r.runId)! : r.receivedAt));
  const s = summarize(values);
  return { count: s.count, p50Ms: s.p50, p90Ms: s.p90, p99Ms: s.p99, maxMs: s.max, notStarted: collected.runs.filter((r) => r.startedAt === null).length };
}

/**
 * Where a quiet run's time went: recording it (received_at, its transaction's start, to the commit seen by
 * the sender), waiting to be claimed, then until executeRun marked it started.
 */
function breakdownOf(collected: Collected, load: LoadResult, claimedAt: Map<string, number>) {
  const committedAt = new Map(load.sent.map((s) => [s.runId, s.committedAt]));
  const recording: number[] = [];
  const toClaim: number[] = [];
  const claimToStart: number[] = [];
  for (const r of collected.runs) {
    const claimed = claimedAt.get(r.runId);
    const committed = committedAt.get(r.runId)!;
    recording.push(committed - r.receivedAt);
    if (claimed === undefined || r.startedAt === null) continue;
    toClaim.push(claimed - committed);
    claimToStart.push(r.startedAt - claimed);
  }
  return { recordingMs: summarize(recording), commitToClaimMs: summarize(toClaim), claimToStartMs: summarize(claimToStart) };
}

/** Weighted max-min fair shares of `capacity` for tenants demanding `demands` (Infinity: backlogged). */
function fairShares(demands: number[], weights: number[], capacity: number): number[] {
  const share = demands.map(() => 0);
  let open = demands.map((_, i) => i);
  let left = capacity;
  while (open.length && left > 1e-9) {
    const w = open.reduce((s, i) => s + weights[i]!, 0);
    const done = open.filter((i) => demands[i]! - share[i]! <= (left * weights[i]!) / w);
    if (!done.length) {
      for (const i of open) share[i]! += (left * weights[i]!) / w;
      break;
    }
    for (const i of done) {
      left -= demands[i]! - share[i]!;
      share[i] = demands[i]!;
    }
    open = open.filter((i) => !done.includes(i));
  }
  return share;
}

interface SystemResult {
  quietNoFlood: LatencySummary;
  quietFlood: LatencySummary;
  interferenceP50: number | null;
  interferenceP99: number | null;
  jainNormalised: number | null;
  jainRaw: number | null;
  jainVsWeightedShare: number | null;
  capacity: Record<string, number>;
  flooderRunsPerSec: number;
  quietServedRatio: number;
  fromCommit: { quietNoFlood: LatencySummary; quietFlood: LatencySummary; interferenceP50: number | null; interferenceP99: number | null };
  lowerBounds: boolean;
  extrapolated: unknown;
  details: Record<string, unknown>;
}

function describeSystem(p: {
  system: System;
  tenants: BenchTenant[];
  flooder: BenchTenant;
  plans: Record<string, { weight: number; concurrentRuns: number }>;
  phaseA: { load: LoadResult; collected: Collected; stats: Monitored };
  phaseB: { load: LoadResult; collected: Collected; stats: Monitored };
  perTenant: Map<string, number>;
  durations: { noFlood: unknown; flood: unknown };
  flood: { events: number; seconds: number; backlogAtEnd: number };
  ahead: { createdAt: Float64Array; at: number } | null;
  statuses: Record<string, number>;
  deliveries: number;
}): SystemResult {
  const a = latencyOf(p.phaseA.collected);
  const b = latencyOf(p.phaseB.collected);
  const ratio = (x: number | null, y: number | null) => (x === null || y === null || y === 0 ? null : round(x / y, 2));
  const a2 = latencyOf(p.phaseA.collected, p.phaseA.load);
  const b2 = latencyOf(p.phaseB.collected, p.phaseB.load);

  // Throughput in the flood window, per tenant with work there (every quiet tenant and the flooder).
  const windowS = (p.phaseB.load.to - p.phaseB.load.from) / 1000;
  const demandOf = new Map<number, number>();
  for (const s of p.phaseB.load.sent) demandOf.set(s.tenant, (demandOf.get(s.tenant) ?? 0) + 1);
  const served = p.tenants.map((t) => p.perTenant.get(t.tenantId) ?? 0);
  // The flooder stayed backlogged through the window (its demand is unbounded) unless its flood ran out.
  const demands = p.tenants.map((t, i) => (t === p.flooder ? (p.flood.backlogAtEnd > 0 ? Infinity : served[i]!) : (demandOf.get(t.index) ?? 0)));
  const weights = p.tenants.map((t) => p.plans[t === p.flooder ? config.floodPlan : config.quietPlan]!.weight);
  const capacity = served.reduce((s, v) => s + v, 0);
  const shares = fairShares(demands, weights, capacity);
  const withWork = p.tenants.map((_, i) => i).filter((i) => demands[i]! > 0);
  const flooderIndex = p.tenants.indexOf(p.flooder);
  // Served ÷ demanded, capped at 1; the backlogged flooder's demand is bounded by what it may have: its share.
  const normalised = withWork.map((i) => Math.min(1, served[i]! / (i === flooderIndex ? Math.max(shares[i]!, 1e-9) : demands[i]!)));
  // Served ÷ weighted max-min fair share: how closely the queue follows the plans' weights.
  const vsShare = withWork.map((i) => (shares[i]! > 0 ? Math.min(1, served[i]! / shares[i]!) : 1));
  const raw = withWork.map((i) => served[i]! / windowS);
  const quietIdx = withWork.filter((i) => i !== flooderIndex);
  const quietWeight = quietIdx.reduce((s, i) => s + weights[i]!, 0);
  const quietServed = served.reduce((s, v, i) => (i === flooderIndex ? s : s + v), 0);
  const quietDemand = p.phaseB.load.sent.length;

  // FIFO: quiet jobs still waiting behind the flood. Their start is extrapolated from the jobs ahead of them
  // (runs still queued that were created before theirs) at the window's drain rate.
  let extrapolated: unknown = null;
  if (p.ahead && b.notStarted > 0) {
    const rate = capacity / windowS;
    const ahead = p.ahead;
    const estimates = p.phaseB.collected.runs.map((r) => {
      if (r.startedAt !== null) return r.startedAt - r.receivedAt;
      let lo = 0;
      let hi = ahead.createdAt.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ahead.createdAt[mid]! < r.createdAt) lo = mid + 1;
        else hi = mid;
      }
      return ahead.at - r.receivedAt + (lo / rate) * 1000;
    });
    const e = summarize(estimates);
    extrapolated = {
      quietFlood: { p50Ms: e.p50, p99Ms: e.p99 },
      interferenceP50: ratio(e.p50, a.p50Ms),
      interferenceP99: ratio(e.p99, a.p99Ms),
      how: `runs still queued ahead of each waiting quiet run ÷ the window's drain rate (${round(rate)} runs/s), added to its wait so far`,
    };
  }

  return {
    quietNoFlood: a,
    quietFlood: b,
    interferenceP50: ratio(b.p50Ms, a.p50Ms),
    interferenceP99: ratio(b.p99Ms, a.p99Ms),
    jainNormalised: round(jainIndex(normalised) ?? 0, 4),
    jainRaw: round(jainIndex(raw) ?? 0, 4),
    jainVsWeightedShare: round(jainIndex(vsShare) ?? 0, 4),
    flooderRunsPerSec: round(served[flooderIndex]! / windowS),
    quietServedRatio: round(quietServed / Math.max(1, quietDemand), 4),
    // The queue's part alone: from the commit of the event's transaction (seen by the sender) to run start,
    // without the recording transaction, which the flood's load on PostgreSQL slows down in either queue.
    fromCommit: { quietNoFlood: a2, quietFlood: b2, interferenceP50: ratio(b2.p50Ms, a2.p50Ms), interferenceP99: ratio(b2.p99Ms, a2.p99Ms) },
    // Quiet runs that never started in the grace period make the flood figures lower bounds.
    lowerBounds: b.notStarted > 0 || a.notStarted > 0,
    extrapolated,
    // Under weighted fair queueing a quiet tenant gets min(its demand, capacity × its weight ÷ the weights of
    // every tenant with work); it is fully served only while capacity ≥ its demand × Σ weights.
    capacity: {
      runsPerSec: round(capacity / windowS),
      quietDemandPerSec: round(quietDemand / windowS),
      quietFairSharePerTenantPerSec: round(quietIdx.reduce((s, i) => s + shares[i]!, 0) / Math.max(1, quietIdx.length) / windowS, 3),
      quietDemandPerTenantPerSec: round(quietDemand / Math.max(1, quietIdx.length) / windowS, 3),
      neededForQuietFullyServedPerSec: round((quietDemand / Math.max(1, quietIdx.length) / windowS) * (quietWeight + weights[flooderIndex]!)),
      flooderFairSharePerSec: round(shares[flooderIndex]! / windowS, 1),
    },
    details: {
      floodWindowS: round(windowS, 2),
      runsPerSecInFloodWindow: { total: round(capacity / windowS), flooder: round(served[flooderIndex]! / windowS), quiet: round(quietServed / windowS) },
      flood: { events: p.flood.events, insertSeconds: round(p.flood.seconds, 2), insertPerSec: round(p.flood.events / p.flood.seconds), backlogAtWindowEnd: p.flood.backlogAtEnd },
      quietEvents: {
        noFlood: { sent: p.phaseA.load.sent.length, failed: p.phaseA.load.failed, firstError: p.phaseA.load.firstError },
        flood: { sent: p.phaseB.load.sent.length, failed: p.phaseB.load.failed, firstError: p.phaseB.load.firstError },
      },
      // Below 1 only at the window's edge when runs start promptly (the last events' runs start after it).
      quietServedPerTenant: summarize(withWork.filter((i) => i !== flooderIndex).map((i) => served[i]! / demands[i]!)),
      latencyBreakdown: { noFlood: breakdownOf(p.phaseA.collected, p.phaseA.load, p.system.claimedAt), flood: breakdownOf(p.phaseB.collected, p.phaseB.load, p.system.claimedAt) },
      generatorLagMs: {
        noFlood: summarize(p.phaseA.load.sent.map((s) => s.sentAt - s.scheduledAt)),
        flood: summarize(p.phaseB.load.sent.map((s) => s.sentAt - s.scheduledAt)),
      },
      // Worker slots in use (sampled every 100 ms), this process's event-loop delay, claim_runs() calls.
      worker: { noFlood: p.phaseA.stats, flood: p.phaseB.stats },
      runDurationMs: p.durations,
      runStatusesAtEnd: p.statuses,
      httpDeliveriesSoFar: p.deliveries,
    },
  };
}

function oneLine(r: SystemResult): string {
  const lb = r.lowerBounds ? ' (≥, lower bounds)' : '';
  return `quiet p50/p99 ${r.quietNoFlood.p50Ms}/${r.quietNoFlood.p99Ms} ms → flood ${r.quietFlood.p50Ms}/${r.quietFlood.p99Ms} ms${lb}; interference ${r.interferenceP50}/${r.interferenceP99}; Jain normalised ${r.jainNormalised}, raw ${r.jainRaw}, vs weighted share ${r.jainVsWeightedShare}; capacity ${r.capacity.runsPerSec} runs/s (quiet fully served from ${r.capacity.neededForQuietFullyServedPerSec}); flooder ${r.flooderRunsPerSec} runs/s; quiet served ${r.quietServedRatio}`;
}

function printSummary(output: { dispatcher: unknown; fifoBaseline: unknown; targetMet: boolean | null; machine: { cpus: number } }) {
  const lines = ['', `fairness — ${config.tenants - 1} quiet tenants at 1 event/s (${config.quietPlan}) + 1 flooder with ${config.flood} events (${config.floodPlan}), concurrency ${config.workerConcurrency}, ${output.machine.cpus} cores`, ''];
  lines.push('queue        quiet p50/p99 (no flood)   quiet p50/p99 (flood)        interference p50/p99   Jain norm/raw    flooder runs/s  quiet served');
  for (const [name, r] of [['dispatcher', output.dispatcher], ['fifo', output.fifoBaseline]] as const) {
    if (!r) continue;
    const x = r as SystemResult;
    const ge = x.quietFlood.notStarted ? '≥ ' : '';
    lines.push(
      `${name.padEnd(12)} ${`${x.quietNoFlood.p50Ms} / ${x.quietNoFlood.p99Ms} ms`.padEnd(26)} ${`${ge}${x.quietFlood.p50Ms} / ${x.quietFlood.p99Ms} ms`.padEnd(28)} ${`${ge}${x.interferenceP50} / ${x.interferenceP99}`.padEnd(22)} ${`${x.jainNormalised} / ${x.jainRaw}`.padEnd(16)} ${String(x.flooderRunsPerSec).padEnd(15)} ${x.quietServedRatio}`,
    );
  }
  lines.push('', `target (dispatcher interference p50 and p99 ≤ ${config.target}): ${output.targetMet === null ? 'not measured' : output.targetMet ? 'met' : 'MISSED'}`, '');
  process.stderr.write(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    cleanUpAndExit(cleanups, 1);
  },
);
