/**
 * End-to-end flow throughput: webhook in at the real gateway → event, run and job recorded in one
 * transaction → the real worker runs a map step and an http step → a local receiving server timestamps the
 * delivery. Every event must end as one event row, one succeeded run with two succeeded steps, and one
 * delivery; the counts are checked in the database after each phase.
 *
 * Phases (BENCH_PHASES, comma-separated; default all):
 *   max        the most the pipeline sustains (closed loop, backlog capped), path_token auth
 *   rate       a fixed BENCH_RATE events/s (default 1,000), path_token auth
 *   max-hmac   as max, HMAC-signed requests
 *   rate-hmac  as rate, HMAC-signed requests
 *   split      child mode only: the gateway alone (worker paused with SIGSTOP), then the worker alone
 *              draining that backlog, to show each side's own capacity
 *
 * Settings (environment): BENCH_MODE child|inprocess|both (child), BENCH_WORKER_CONCURRENCY (16),
 * BENCH_MAX_SECONDS (25), BENCH_RATE_SECONDS (20), BENCH_HMAC_SECONDS (15), BENCH_SPLIT_SECONDS (10),
 * BENCH_RATE (1000), BENCH_CONNECTIONS (32), BENCH_BACKLOG (1000), BENCH_RATE_ABORT_BACKLOG (3000),
 * BENCH_LOG_LEVEL (info, the apps' default), BENCH_EGRESS_RATE (1000000; `default` keeps the egress path's
 * 10/s per connection), BENCH_STATS_SETTLE_MS (11000), BENCH_CPU_PROF=1 (write .cpuprofile files of the
 * child apps to BENCH_PROF_DIR), BENCH_TRACE_FILE (the apps' first statements), DATABASE_URL.
 *
 * JSON on stdout; progress and a one-screen summary on stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMailCatcher } from '../packages/mail/src/index.ts';
import { childCpuSeconds, startChild, startInProcess, type AppEnv, type BenchApp } from './lib/apps.ts';
import { freePort, startBenchDatabase } from './lib/database.ts';
import { PhaseLog, startLoad, type RunningLoad } from './lib/load.ts';
import { pg, type PgClient } from './lib/modules.ts';
import type { ProbeStats } from './lib/probe.ts';
import { machine, parentOf, treeCpuSeconds } from './lib/procstat.ts';
import { startReceiver } from './lib/receiver.ts';
import { counterDelta, pgCounters, round, sleep, summarize, type PgCounters } from './lib/stats.ts';
import { BENCH_MASTER_KEY, setUpTenant, type BenchHook } from './lib/tenant.ts';
import { cleanUpAndExit, cleanupsOnInterrupt } from './lib/cleanups.ts';

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const config = {
  modes: (env.BENCH_MODE ?? 'child') === 'both' ? ['child', 'inprocess'] : [env.BENCH_MODE ?? 'child'],
  workerConcurrency: num('BENCH_WORKER_CONCURRENCY', 16),
  maxSeconds: num('BENCH_MAX_SECONDS', 25),
  rateSeconds: num('BENCH_RATE_SECONDS', 20),
  hmacSeconds: num('BENCH_HMAC_SECONDS', 15),
  splitSeconds: num('BENCH_SPLIT_SECONDS', 10),
  rate: num('BENCH_RATE', 1000),
  connections: num('BENCH_CONNECTIONS', 32),
  backlog: num('BENCH_BACKLOG', 1000),
  // A fixed-rate phase the pipeline cannot keep up with stops once this many events wait for delivery.
  rateAbortBacklog: num('BENCH_RATE_ABORT_BACKLOG', 3000),
  logLevel: env.BENCH_LOG_LEVEL ?? 'info',
  egressRatePerSecond: env.BENCH_EGRESS_RATE === 'default' ? undefined : num('BENCH_EGRESS_RATE', 1_000_000),
  phases: (env.BENCH_PHASES ?? 'max,rate,max-hmac,rate-hmac,split').split(',').map((p) => p.trim()).filter(Boolean),
  cpuProfDir: env.BENCH_CPU_PROF === '1' ? path.resolve(env.BENCH_PROF_DIR ?? path.join(os.tmpdir(), 'conflux-bench-prof')) : undefined,
  warmupSeconds: 4,
  // Idle backends flush their statistics within 10 s (PGSTAT_IDLE_INTERVAL): wait that long before reading them.
  statsSettleMs: num('BENCH_STATS_SETTLE_MS', 11_000),
};

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Snapshot {
  at: number;
  pg: PgCounters;
  pgCpu: number | null;
  gateway: ProbeStats;
  worker: ProbeStats;
  gatewayProcCpu: number | null;
  workerProcCpu: number | null;
  self: NodeJS.CpuUsage;
}

/** What to undo if the run is interrupted (Ctrl-C): apps, servers, the database. */
const cleanups = cleanupsOnInterrupt(say);

async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const db = await startBenchDatabase(say);
  cleanups.push(() => db.close());
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-bench-logs-'));
  if (config.cpuProfDir) fs.mkdirSync(config.cpuProfDir, { recursive: true });
  const logs = new Map<string, PhaseLog>();
  let currentLoad: RunningLoad | null = null;
  let currentLog: PhaseLog | null = null;
  const receiver = await startReceiver((phase, seq, at) => {
    const log = logs.get(phase);
    if (!log) return;
    log.delivered(seq, at);
    if (log === currentLog) currentLoad?.wake();
  });
  const catcher = await startMailCatcher({ port: 0, onMail: async () => undefined });
  const verifier = new pg.Client({ connectionString: db.systemUrl });
  await verifier.connect();
  const postmaster = parentOf((await verifier.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);

  say(`setting up a tenant, a connection and flows through the tRPC API`);
  const tenant = await setUpTenant(db, {
    deliverUrl: `${receiver.url}/deliver`,
    flows: [
      { name: 'Orders to ERP (path token)', authMode: 'path_token' },
      { name: 'Orders to ERP (HMAC)', authMode: 'hmac' },
    ],
  });
  const hooks = { path_token: tenant.hooks[0]!, hmac: tenant.hooks[1]! };

  const results: Record<string, unknown> = {};
  const diagnostics: Record<string, unknown> = {};
  for (const mode of config.modes) {
    const port = await freePort();
    const appEnv: AppEnv = {
      appUrl: db.appUrl,
      systemUrl: db.systemUrl,
      masterKey: BENCH_MASTER_KEY,
      smtpUrl: catcher.url,
      gatewayPort: port,
      workerConcurrency: config.workerConcurrency,
      logLevel: config.logLevel,
      egressRatePerSecond: config.egressRatePerSecond,
    };
    say(`${mode}: starting the gateway and the worker (concurrency ${config.workerConcurrency})`);
    let gateway: BenchApp;
    let worker: BenchApp;
    if (mode === 'child') {
      gateway = startChild('gateway', appEnv, { cpuProfDir: config.cpuProfDir, logDir });
      worker = startChild('worker', appEnv, { cpuProfDir: config.cpuProfDir, logDir });
    } else {
      ({ gateway, worker } = await startInProcess(appEnv));
    }
    cleanups.push(() => gateway.stop(), () => worker.stop());
    await waitReady(port, [gateway, worker]);

    const snapshot = async (): Promise<Snapshot> => ({
      at: performance.now(),
      pg: await pgCounters(verifier, db.name),
      pgCpu: postmaster ? treeCpuSeconds(postmaster) : null,
      gateway: await gateway.stats(),
      worker: await worker.stats(),
      gatewayProcCpu: childCpuSeconds(gateway),
      workerProcCpu: childCpuSeconds(worker),
      self: process.cpuUsage(),
    });

    const runLoad = async (name: string, options: { hook: BenchHook; mode: 'max' | 'rate'; seconds: number; rate?: number; backlogCap?: number; abortBacklog?: number }) => {
      const log = new PhaseLog(name);
      logs.set(name, log);
      currentLog = log;
      currentLoad = await startLoad({
        port,
        hook: options.hook,
        log,
        mode: options.mode,
        durationMs: options.seconds * 1000,
        connections: options.mode === 'rate' ? Math.max(64, config.connections) : config.connections,
        rate: options.rate,
        backlogCap: options.backlogCap,
        abortBacklog: options.abortBacklog,
      });
      await currentLoad.done;
      return log;
    };

    // Warm-up: JIT, pools, caches. Not reported.
    say(`${mode}: warm-up ${config.warmupSeconds} s at 300/s`);
    const warm = await runLoad(`${mode}:warmup`, { hook: hooks.path_token, mode: 'rate', seconds: config.warmupSeconds, rate: 300 });
    await waitDrained(warm, verifier);
    if (config.phases.includes('rate-hmac') || config.phases.includes('max-hmac')) {
      const warmHmac = await runLoad(`${mode}:warmup-hmac`, { hook: hooks.hmac, mode: 'rate', seconds: 1, rate: 200 });
      await waitDrained(warmHmac, verifier);
    }

    const phases: Record<string, unknown> = {};
    for (const phase of config.phases) {
      if (phase === 'split' && mode !== 'child') continue;
      const name = `${mode}:${phase}`;
      const hook = phase.endsWith('hmac') ? hooks.hmac : hooks.path_token;
      const before = await snapshot();
      if (phase === 'split') {
        say(`${name}: gateway alone for ${config.splitSeconds} s (worker paused), then the worker alone`);
        process.kill(worker.pid, 'SIGSTOP');
        let log: PhaseLog;
        let resumedAt: number;
        let mid: Snapshot;
        try {
          log = await runLoad(name, { hook, mode: 'max', seconds: config.splitSeconds, backlogCap: Infinity });
          await sleep(config.statsSettleMs);
          // The paused worker cannot answer the stats question: the gateway's side is read from /proc.
          mid = { ...before, at: performance.now(), pg: await pgCounters(verifier, db.name), pgCpu: postmaster ? treeCpuSeconds(postmaster) : null, gateway: await gateway.stats(), gatewayProcCpu: childCpuSeconds(gateway), self: process.cpuUsage() };
        } finally {
          process.kill(worker.pid, 'SIGCONT');
          resumedAt = performance.now();
        }
        await waitDrained(log, verifier);
        await sleep(config.statsSettleMs);
        const after = await snapshot();
        phases[phase] = {
          gatewayAlone: describePhase(log, before, mid, { auth: hook.authMode, load: 'max, worker paused', window: [log.startedAt, log.endedAt], onlyGateway: true }),
          workerAlone: describeDrain(log, mid, after, resumedAt),
          verified: await verify(verifier, name, log),
        };
      } else {
        const isRate = phase.startsWith('rate');
        const seconds = phase.endsWith('hmac') ? config.hmacSeconds : isRate ? config.rateSeconds : config.maxSeconds;
        say(`${name}: ${isRate ? `${config.rate}/s` : `max (backlog ≤ ${config.backlog})`} for ${seconds} s, ${hook.authMode}`);
        const log = await runLoad(name, {
          hook,
          mode: isRate ? 'rate' : 'max',
          seconds,
          rate: isRate ? config.rate : undefined,
          backlogCap: isRate ? undefined : config.backlog,
          abortBacklog: isRate ? config.rateAbortBacklog : undefined,
        });
        await waitDrained(log, verifier);
        await sleep(config.statsSettleMs);
        const after = await snapshot();
        phases[phase] = {
          ...describePhase(log, before, after, { auth: hook.authMode, load: isRate ? `fixed ${config.rate}/s` : `max, backlog ≤ ${config.backlog}`, window: [log.startedAt, log.endedAt] }),
          verified: await verify(verifier, name, log),
        };
      }
      say(`${name}: ${oneLine(phases[phase])}`);
    }
    results[mode] = phases;
    // The worker supervisor's heartbeats: 0 rows means other workers' sweeps would treat this one as dead.
    diagnostics[mode] = {
      workerHeartbeatRows: Number((await verifier.query<{ n: string }>('SELECT count(*) AS n FROM worker_heartbeat')).rows[0]!.n),
      workerConcurrency: config.workerConcurrency,
    };
    say(`${mode}: stopping the apps`);
    await gateway.stop();
    await worker.stop();
  }

  const output = {
    benchmark: 'flow-throughput',
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: { ...machine(), cores: os.availableParallelism(), memoryGb: Math.round(os.totalmem() / 2 ** 30), loadAverageBefore: loadBefore.map((v) => round(v, 2)), loadAverageAfter: os.loadavg().map((v) => round(v, 2)) },
    node: process.version,
    database: { kind: db.kind, version: db.server.version, settings: db.server.settings },
    config: { ...config, flow: 'webhook → map (JSONata) → http POST with a bearer connection', cpuProfDir: config.cpuProfDir ?? null },
    tenant: { tenantId: tenant.tenantId },
    results,
    diagnostics,
    targets: targetsOf(results),
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  printSummary(output.results, output.targets);
  if (config.cpuProfDir) say(`CPU profiles in ${config.cpuProfDir} (summarise with: pnpm exec tsx bench/profile-summary.ts <file>)`);
  say(`app logs in ${logDir}`);

  await verifier.end();
  await receiver.close();
  await catcher.close();
  await db.close();
}

async function waitReady(port: number, apps: BenchApp[]) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the gateway or the worker did not become ready within 60 s');
    const gatewayUp = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    // The probe answers once the app's modules are loaded; the warm-up then proves the worker runs flows.
    const answering = await Promise.all(apps.map((a) => Promise.race([a.stats().then(() => true, () => false), sleep(1000).then(() => false)])));
    if (gatewayUp && answering.every(Boolean)) return;
    await sleep(200);
  }
}

/** Waits until every accepted event was delivered and the queue is empty (3 min at most). */
async function waitDrained(log: PhaseLog, client: PgClient) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (log.deliveredUnique >= log.accepted) {
      // Runs are their own queue: drained when none waits or runs.
      const queued = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM run WHERE status IN ('queued', 'retrying', 'running')`)).rows[0]!.n);
      if (queued === 0) return;
    }
    await sleep(100);
  }
  say(`${log.name}: not drained after 3 minutes (${log.deliveredUnique}/${log.accepted} delivered)`);
}

/** The database's own account of a phase: every accepted event must be stored, run and delivered once. */
async function verify(client: PgClient, phase: string, log: PhaseLog) {
  const { rows } = await client.query<Record<string, string>>(
    `WITH e AS (SELECT id FROM event WHERE payload->>'phase' = $1),
          r AS (SELECT run.id, run.status, run.attempt FROM run JOIN e ON e.id = run.event_id)
     SELECT (SELECT count(*) FROM e) AS events,
            (SELECT count(*) FROM r) AS runs,
            (SELECT count(*) FROM r WHERE status = 'succeeded') AS succeeded,
            (SELECT count(*) FROM r WHERE attempt > 1) AS retried,
            (SELECT count(*) FROM run_step s JOIN r ON r.id = s.run_id WHERE s.status = 'succeeded') AS steps_succeeded,
            (SELECT count(*) FROM run WHERE status IN ('queued', 'retrying', 'running')) AS jobs_left`,
    [phase],
  );
  const row = Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
  const v = {
    accepted: log.accepted,
    events: row.events!,
    runs: row.runs!,
    succeededRuns: row.succeeded!,
    retriedRuns: row.retried!,
    succeededSteps: row.steps_succeeded!,
    deliveries: log.deliveredUnique,
    duplicateDeliveries: log.duplicates,
    lost: log.accepted - log.deliveredUnique,
    jobsLeft: row.jobs_left!,
    ok: false,
  };
  v.ok = v.events === v.accepted && v.runs === v.events && v.succeededRuns === v.runs && v.succeededSteps === 2 * v.runs && v.deliveries === v.runs && v.lost === 0 && v.jobsLeft === 0;
  return v;
}

const cpuMsOf = (s: ProbeStats) => s.cpuUserMs + s.cpuSystemMs;

function describePhase(log: PhaseLog, before: Snapshot, after: Snapshot, meta: { auth: string; load: string; window: [number, number]; onlyGateway?: boolean }) {
  const [start, end] = meta.window;
  const loadS = (end - start) / 1000;
  const seqs = log.sentAt.map((_, i) => i).filter((i) => log.answeredAt[i] !== undefined);
  const delivered = seqs.filter((i) => log.deliveredAt[i] !== undefined);
  const steadyFrom = start + Math.min(3000, (end - start) / 4);
  const inWindow = delivered.filter((i) => log.deliveredAt[i]! >= start && log.deliveredAt[i]! <= end).length;
  const inSteady = delivered.filter((i) => log.deliveredAt[i]! >= steadyFrom && log.deliveredAt[i]! <= end).length;
  const events = meta.onlyGateway ? log.accepted : log.deliveredUnique;
  // Gateway alone: the apps idle after the load window, so utilisation is over the load window itself.
  const wallS = meta.onlyGateway ? loadS : (after.at - before.at) / 1000;
  const pgCommits = counterDelta(before.pg, after.pg);
  const gwCpu = after.gatewayProcCpu !== null && before.gatewayProcCpu !== null ? (after.gatewayProcCpu - before.gatewayProcCpu) * 1000 : cpuMsOf(after.gateway) - cpuMsOf(before.gateway);
  const wkCpu = after.workerProcCpu !== null && before.workerProcCpu !== null ? (after.workerProcCpu - before.workerProcCpu) * 1000 : null;
  const inProcess = after.gatewayProcCpu === null;
  const selfMs = (after.self.user + after.self.system - before.self.user - before.self.system) / 1000;
  const pgMs = after.pgCpu !== null && before.pgCpu !== null ? (after.pgCpu - before.pgCpu) * 1000 : null;
  const per = (v: number | null) => (v === null || !events ? null : round(v / events, 3));
  const q = (a: ProbeStats, b: ProbeStats) => ({
    total: per(b.queries.total - a.queries.total),
    begin: per(b.queries.begin - a.queries.begin),
    commit: per(b.queries.commit - a.queries.commit),
  });
  const e2e = delivered.map((i) => log.deliveredAt[i]! - log.scheduledAt[i]!);
  return {
    auth: meta.auth,
    load: meta.load,
    loadSeconds: round(loadS, 2),
    ...(meta.load.startsWith('fixed')
      ? { sustained: log.abortedAt === null, ...(log.abortedAt === null ? {} : { stoppedAfterS: round((log.abortedAt - start) / 1000, 2), reason: `more than ${config.rateAbortBacklog} scheduled events were not yet delivered` }) }
      : {}),
    sent: log.sent,
    accepted: log.accepted,
    statuses: Object.fromEntries(log.statuses),
    connectionErrors: log.errors,
    acceptedPerS: round(log.accepted / loadS),
    deliveredPerS: meta.onlyGateway
      ? null
      : {
          // The headline: deliveries per second once the pipeline is in its steady state.
          steady: round(inSteady / ((end - steadyFrom) / 1000)),
          duringLoad: round(inWindow / loadS),
          firstSendToLastDelivery: round(log.deliveredUnique / ((log.lastDeliveryAt - start) / 1000)),
        },
    latencyMs: {
      ...(meta.onlyGateway ? {} : { sendToDelivery: summarize(e2e) }),
      gatewayAnswer: summarize(seqs.map((i) => log.answeredAt[i]! - log.sentAt[i]!)),
      ...(meta.load.startsWith('fixed') ? { clientQueueing: summarize(seqs.map((i) => log.sentAt[i]! - log.scheduledAt[i]!)) } : {}),
    },
    perEvent: {
      commits: per(pgCommits.xactCommit),
      rollbacks: per(pgCommits.xactRollback),
      rowsWritten: per(pgCommits.tupInserted + pgCommits.tupUpdated + pgCommits.tupDeleted),
      walKb: pgCommits.walBytes === null ? null : per(pgCommits.walBytes / 1024),
      walFsyncs: per(pgCommits.walFsyncs),
      roundTrips: inProcess
        ? { gatewayAndWorker: q(before.gateway, after.gateway) }
        : { gateway: q(before.gateway, after.gateway), ...(meta.onlyGateway ? {} : { worker: q(before.worker, after.worker) }) },
      cpuMs: inProcess
        ? { benchGatewayWorker: per(selfMs), postgres: per(pgMs), total: per(selfMs + (pgMs ?? 0)) }
        : { gateway: per(gwCpu), worker: meta.onlyGateway ? null : per(wkCpu), postgres: per(pgMs), loadGeneratorAndReceiver: per(selfMs), total: per(gwCpu + (meta.onlyGateway ? 0 : (wkCpu ?? 0)) + (pgMs ?? 0) + selfMs) },
    },
    // Cores kept busy over the phase (load + drain): 2.0 means both cores saturated.
    coresBusy: inProcess
      ? { benchGatewayWorker: round(selfMs / 1000 / wallS, 2), postgres: pgMs === null ? null : round(pgMs / 1000 / wallS, 2) }
      : {
          gateway: round(gwCpu / 1000 / wallS, 2),
          worker: meta.onlyGateway || wkCpu === null ? null : round(wkCpu / 1000 / wallS, 2),
          postgres: pgMs === null ? null : round(pgMs / 1000 / wallS, 2),
          loadGeneratorAndReceiver: round(selfMs / 1000 / wallS, 2),
        },
  };
}

function describeDrain(log: PhaseLog, mid: Snapshot, after: Snapshot, resumedAt: number) {
  const seconds = (log.lastDeliveryAt - resumedAt) / 1000;
  const wallS = (after.at - mid.at) / 1000;
  const wk = after.workerProcCpu !== null && mid.workerProcCpu !== null ? (after.workerProcCpu - mid.workerProcCpu) * 1000 : null;
  const pgMs = after.pgCpu !== null && mid.pgCpu !== null ? (after.pgCpu - mid.pgCpu) * 1000 : null;
  const n = log.deliveredUnique;
  const commits = counterDelta(mid.pg, after.pg);
  return {
    runs: n,
    drainSeconds: round(seconds, 2),
    runsPerS: round(n / seconds),
    perRun: {
      commits: round(commits.xactCommit / n, 3),
      roundTrips: {
        total: round((after.worker.queries.total - mid.worker.queries.total) / n, 2),
        begin: round((after.worker.queries.begin - mid.worker.queries.begin) / n, 2),
        commit: round((after.worker.queries.commit - mid.worker.queries.commit) / n, 2),
      },
      cpuMs: { worker: wk === null ? null : round(wk / n, 3), postgres: pgMs === null ? null : round(pgMs / n, 3) },
    },
    coresBusy: { worker: wk === null ? null : round(wk / 1000 / wallS, 2), postgres: pgMs === null ? null : round(pgMs / 1000 / wallS, 2) },
  };
}

interface PhaseOut {
  sustained?: boolean;
  acceptedPerS?: number;
  deliveredPerS?: { steady: number } | null;
  latencyMs?: { sendToDelivery?: { p50: number | null; p95: number | null; p99: number | null } };
  verified?: { ok: boolean; lost: number };
  perEvent?: { commits: number | null; cpuMs: Record<string, number | null> };
}

function targetsOf(results: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [mode, phasesUnknown] of Object.entries(results)) {
    const phases = phasesUnknown as Record<string, PhaseOut>;
    const max = phases.max;
    const rate = phases.rate;
    out[mode] = {
      sustainedDeliveredPerS: max?.deliveredPerS ? { value: max.deliveredPerS.steady, target: 2400, met: max.deliveredPerS.steady >= 2400 && !!max.verified?.ok, shortBy: max.deliveredPerS.steady >= 2400 ? 0 : `${round((1 - max.deliveredPerS.steady / 2400) * 100)}%` } : null,
      p99At1000PerS: rate?.latencyMs?.sendToDelivery
        ? { value: rate.latencyMs.sendToDelivery.p99, target: 25, met: rate.sustained !== false && (rate.latencyMs.sendToDelivery.p99 ?? Infinity) <= 25 && !!rate.verified?.ok, sustained: rate.sustained !== false, achievedRate: rate.acceptedPerS }
        : null,
      everythingRecorded: Object.values(phases).every((p) => (p.verified ?? (p as { verified?: { ok: boolean } }).verified)?.ok !== false),
    };
  }
  return out;
}

function oneLine(p: unknown): string {
  const x = p as PhaseOut & { gatewayAlone?: { acceptedPerS: number }; workerAlone?: { runsPerS: number } };
  if (x.gatewayAlone) return `gateway alone ${x.gatewayAlone.acceptedPerS}/s accepted; worker alone ${x.workerAlone?.runsPerS} runs/s; verified ${x.verified?.ok}`;
  const l = x.latencyMs?.sendToDelivery;
  return `accepted ${x.acceptedPerS}/s, delivered ${x.deliveredPerS?.steady}/s steady, p50/p95/p99 ${l?.p50}/${l?.p95}/${l?.p99} ms, ${x.perEvent?.commits} commits/event, verified ${x.verified?.ok}`;
}

function printSummary(results: Record<string, unknown>, targets: Record<string, unknown>) {
  const lines: string[] = ['', 'flow-throughput — webhook → map → http, every event/run/step durably recorded', ''];
  lines.push('phase                 accepted/s  delivered/s   p50    p95    p99 ms  commits/ev  cpu ms/ev (gw/wk/pg/gen)   ok');
  for (const [mode, phasesUnknown] of Object.entries(results)) {
    for (const [phase, pUnknown] of Object.entries(phasesUnknown as Record<string, unknown>)) {
      const p = pUnknown as PhaseOut & { gatewayAlone?: PhaseOut & { perEvent: { cpuMs: Record<string, number | null> } }; workerAlone?: { runsPerS: number; perRun: { commits: number; cpuMs: Record<string, number | null> } } };
      if (p.gatewayAlone) {
        const c = p.gatewayAlone.perEvent.cpuMs;
        lines.push(`${`${mode}:${phase}`.padEnd(22)}${String(p.gatewayAlone.acceptedPerS).padStart(10)}  ${'(gateway alone)'.padStart(11)}  ${''.padStart(28)}${String(p.gatewayAlone.perEvent.commits).padStart(8)}    gw ${c.gateway} pg ${c.postgres}   ${p.verified?.ok ? 'yes' : 'NO'}`);
        lines.push(`${''.padEnd(22)}${''.padStart(10)}  ${String(p.workerAlone?.runsPerS).padStart(11)}  (worker alone)${''.padStart(14)}${String(p.workerAlone?.perRun.commits).padStart(8)}    wk ${p.workerAlone?.perRun.cpuMs.worker} pg ${p.workerAlone?.perRun.cpuMs.postgres}`);
        continue;
      }
      const l = p.latencyMs?.sendToDelivery;
      const c = p.perEvent?.cpuMs ?? {};
      const cpu = 'gateway' in c ? `${c.gateway}/${c.worker}/${c.postgres}/${c.loadGeneratorAndReceiver}` : `all-in-one ${c.benchGatewayWorker}, pg ${c.postgres}`;
      lines.push(
        `${`${mode}:${phase}`.padEnd(22)}${String(p.acceptedPerS).padStart(10)}  ${String(p.deliveredPerS?.steady ?? '').padStart(11)}  ${String(l?.p50).padStart(5)}  ${String(l?.p95).padStart(5)}  ${String(l?.p99).padStart(6)}   ${String(p.perEvent?.commits).padStart(8)}    ${cpu.padEnd(24)} ${p.verified?.ok ? 'yes' : 'NO'}`,
      );
    }
  }
  lines.push('', `targets: ${JSON.stringify(targets)}`, '');
  process.stderr.write(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    cleanUpAndExit(cleanups, 1);
  },
);
