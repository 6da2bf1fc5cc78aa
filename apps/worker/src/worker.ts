import pg from 'pg';
import { EventEmitter } from 'node:events';
import { run, Logger, type Runner, type Task, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Logger as Pino } from 'pino';
import { createMailer } from '@conflux/mail';
import { parsePayload, type TaskName } from '@conflux/queue';
import { createTenantGate } from '@conflux/db';
import { catalogFrom, createKeyring, executeRun, fireScheduleTick, planFlowSchedule, runSyncPass, type ConnectorCatalog, type RunDeps } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { createEgress, createHostResolver } from '@conflux/egress';
import { evaluateMapping } from '@conflux/mapping';
import { nextRuns } from '@conflux/connector-schedule';
import type { ConnectorLogger } from '@conflux/connector-sdk';
import type { WorkerConfig } from './env.ts';
import { sendEmailTask } from './tasks/send-email.ts';
import { deviceRetentionTask } from './tasks/device-retention.ts';
import { runRetentionTask } from './tasks/run-retention.ts';
import { STALE_AFTER_MS, startSupervisor } from './supervisor.ts';
import { startDispatcher, type Dispatcher } from './dispatcher.ts';
import { quotaExceededTask, quotaReleaseTask } from './tasks/quota-exceeded.ts';

/** A running worker: its graphile-worker runner, its run dispatcher and what it owns. */
export interface RunningWorker {
  runner: Runner;
  dispatcher: Dispatcher;
  workerIds(): string[];
  stop(): Promise<void>;
}

/** Options for tests: a different connector catalogue, a faster supervisor, a shorter retry policy. */
export interface WorkerOverrides {
  catalog?: ConnectorCatalog;
  supervisorIntervalMs?: number;
  staleAfterMs?: number;
  retry?: RunDeps['retry'];
}

const nextRun = (cron: string, timezone: string, after: Date) => nextRuns(cron, timezone, after, 1)[0] ?? null;

/**
 * Starts the job runner. The queue pool connects as the system role (jobs hold no tenant rows); every
 * task that touches tenant data enters the tenant gate with the tenant its job names, through the app role.
 */
export async function startWorker(config: WorkerConfig, log: Pino, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  // Connections: graphile-worker's jobs, the dispatcher's claims and its LISTEN, the supervisor.
  const pool = new pg.Pool({ connectionString: config.systemDatabaseUrl, max: config.concurrency + 6 });
  pool.on('error', (error) => log.error({ err: error }, 'idle database connection failed'));
  // A connection dropped by the server must be logged, not crash the process.
  pool.on('connect', (client) => client.on('error', (error) => log.error({ err: error }, 'database connection failed')));
  const gate = createTenantGate(config.appDatabaseUrl, { max: config.concurrency * 2 + 4 });
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const egress = createEgress({ allow: config.egressAllow, rate: { perSecond: config.egressRatePerSecond, burst: config.egressRatePerSecond * 2, maxQueueMs: 2_000 } });
  const catalog = overrides.catalog ?? catalogFrom(connectors);
  const keyring = createKeyring(config.masterKeys);
  const connectorLog: ConnectorLogger = {
    debug: (m, d) => log.debug(d ?? {}, m),
    info: (m, d) => log.info(d ?? {}, m),
    warn: (m, d) => log.warn(d ?? {}, m),
    error: (m, d) => log.error(d ?? {}, m),
  };

  const retry = overrides.retry ?? (config.runMaxAttempts ? { maxAttempts: config.runMaxAttempts } : undefined);
  const resolveHost = createHostResolver({ allow: config.egressAllow });
  // Set last, so connector code cannot widen its own allowed hosts or escape its rate budget.
  const fetchFor: RunDeps['fetchFor'] = ({ hosts, connectionKey }) =>
    ((input: string | URL | Request, init?: RequestInit) => egress.fetch(input, { ...init, connectionKey, allowedHosts: hosts })) as typeof fetch;
  const evaluate = (expression: string, input: unknown) => evaluateMapping(expression, input as never);
  const runFlow = (job: { tenantId: string; runId: string }) =>
    executeRun(job, {
      gate,
      catalog,
      keyring,
      log: connectorLog,
      allowPrivateNetwork: config.egressAllow.length > 0,
      retry,
      evaluate,
      resolveHost,
      fetchFor,
    });
  const schedulePlan: Task = async (payload) => {
    const job = parsePayload('schedule-plan', payload);
    await gate.withTenant(job.tenantId, (db) => planFlowSchedule(db, { ...job, after: new Date() }, { nextRun }));
  };
  const scheduleTick: Task = async (payload) => {
    const job = parsePayload('schedule-tick', payload);
    await gate.withTenant(job.tenantId, (db) => fireScheduleTick(db, { tenantId: job.tenantId, flowId: job.flowId, at: new Date(job.at) }, { nextRun }));
  };

  // Graphile worker ids are heartbeated by the supervisor: a sync pass held by one that stopped beating is taken over.
  const workerAlive = async (workerId: string) => {
    const { rows } = await pool.query('SELECT 1 FROM worker_heartbeat WHERE worker_id = $1 AND beat_at > now() - make_interval(secs => $2::double precision / 1000)', [
      workerId,
      overrides.staleAfterMs ?? STALE_AFTER_MS,
    ]);
    return rows.length > 0;
  };
  const syncFlow: Task = async (payload, helpers) => {
    const job = parsePayload('sync-flow', payload);
    const outcome = await runSyncPass(job, {
      gate,
      catalog,
      keyring,
      evaluate,
      resolveHost,
      fetchFor,
      log: connectorLog,
      allowPrivateNetwork: config.egressAllow.length > 0,
      workerId: helpers.job.locked_by ?? 'unknown',
      workerAlive,
      pageSize: config.syncPageSize,
    });
    helpers.logger.info(`sync of flow ${job.flowId}: ${outcome.status}${'pages' in outcome ? ` (${outcome.pages} pages, ${outcome.changed} changed of ${outcome.seen})` : ''}`);
  };

  const taskList: Record<TaskName, TaskList[string]> = {
    'send-email': sendEmailTask(mailer),
    'quota-exceeded': quotaExceededTask({ gate, publicUrl: config.publicUrl }),
    'quota-release': quotaReleaseTask({ pool }),
    'sync-flow': syncFlow,
    'schedule-plan': schedulePlan,
    'schedule-tick': scheduleTick,
    'device-retention': deviceRetentionTask({ pool, gate }),
    'run-retention': runRetentionTask({ pool, gate }),
  };
  const logger = new Logger((scope) => (level, message, meta) => {
    const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'debug' ? 'debug' : 'info';
    log[fn]({ ...scope, ...meta }, message);
  });
  // Schedules are flows' own triggers (schedule-plan/tick jobs), so graphile-worker's crontab file is not used;
  // the one platform chore on a clock is telemetry retention, hourly.
  // The events emitter is passed in, not read from the runner afterwards: run() creates its workers
  // before it returns, and the supervisor must know every one of them to heartbeat it.
  const events: WorkerEvents = new EventEmitter();
  const ids = new Set<string>();
  // graphile-worker 0.18 locks jobs in the name of the worker pool (locked_by = pool id), so the pool's id is
  // what must beat; the individual workers' ids are kept for the logs' sake.
  events.on('pool:create', ({ workerPool }) => void ids.add(workerPool.id));
  events.on('pool:release', ({ workerPool }) => void ids.delete(workerPool.id));
  events.on('worker:create', ({ worker }) => void ids.add(worker.workerId));
  events.on('worker:release', ({ worker }) => void ids.delete(worker.workerId));
  // Hourly chores: telemetry retention, and runs parked over a quota released when the month has turned.
  const crontab = ['17 * * * * device-retention', '2 * * * * quota-release', '37 * * * * run-retention'].join('\n');
  const runner = await run({ pgPool: pool, taskList, concurrency: config.concurrency, noHandleSignals: true, pollInterval: 1000, logger, events, crontab });
  // Runs are not graphile jobs: the dispatcher claims them fairly between tenants (see dispatcher.ts).
  const dispatcher = await startDispatcher({ pool, concurrency: config.concurrency, execute: runFlow, log });
  const workerIds = () => [...ids, dispatcher.workerId];
  const supervisor = startSupervisor({ pool, workerIds, log, intervalMs: overrides.supervisorIntervalMs, staleAfterMs: overrides.staleAfterMs });
  return {
    runner,
    dispatcher,
    workerIds,
    async stop() {
      await dispatcher.stop();
      await runner.stop();
      await supervisor.stop();
      await mailer.close();
      await egress.close();
      await gate.close();
      await pool.end();
    },
  };
}
