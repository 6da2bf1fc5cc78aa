import pg from 'pg';
import { EventEmitter } from 'node:events';
import { run, Logger, type Runner, type Task, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Logger as Pino } from 'pino';
import { createMailer } from '@conflux/mail';
import { parsePayload, type TaskName } from '@conflux/queue';
import { createTenantGate } from '@conflux/db';
import { catalogFrom, createKeyring, executeRun, fireScheduleTick, queueNextTick, type ConnectorCatalog, type RunDeps } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { createEgress } from '@conflux/egress';
import { evaluateMapping } from '@conflux/mapping';
import { nextRuns } from '@conflux/connector-schedule';
import type { ConnectorLogger } from '@conflux/connector-sdk';
import type { WorkerConfig } from './env.ts';
import { sendEmailTask } from './tasks/send-email.ts';
import { deviceRetentionTask } from './tasks/device-retention.ts';
import { startSupervisor } from './supervisor.ts';

/** A running worker: its graphile-worker runner and what it owns. */
export interface RunningWorker {
  runner: Runner;
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
  const pool = new pg.Pool({ connectionString: config.systemDatabaseUrl, max: config.concurrency + 4 });
  pool.on('error', (error) => log.error({ err: error }, 'idle database connection failed'));
  // A connection dropped by the server must be logged, not crash the process.
  pool.on('connect', (client) => client.on('error', (error) => log.error({ err: error }, 'database connection failed')));
  const gate = createTenantGate(config.appDatabaseUrl, { max: config.concurrency + 4 });
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
  const runFlow: Task = async (payload) => {
    const job = parsePayload('run-flow', payload);
    await executeRun(job, {
      gate,
      catalog,
      keyring,
      log: connectorLog,
      allowPrivateNetwork: config.egressAllow.length > 0,
      retry,
      evaluate: (expression, input) => evaluateMapping(expression, input as never),
      // Set last, so connector code cannot widen its own allowed hosts or escape its rate budget.
      fetchFor: ({ hosts, connectionKey }) =>
        ((input: string | URL | Request, init?: RequestInit) =>
          egress.fetch(input, { ...init, connectionKey, allowedHosts: hosts })) as typeof fetch,
    });
  };
  const schedulePlan: Task = async (payload) => {
    const job = parsePayload('schedule-plan', payload);
    await gate.withTenant(job.tenantId, (db) => queueNextTick(db, { ...job, after: new Date() }, { nextRun }));
  };
  const scheduleTick: Task = async (payload) => {
    const job = parsePayload('schedule-tick', payload);
    await gate.withTenant(job.tenantId, (db) => fireScheduleTick(db, { tenantId: job.tenantId, flowId: job.flowId, at: new Date(job.at) }, { nextRun }));
  };

  const taskList: Record<TaskName, TaskList[string]> = {
    'send-email': sendEmailTask(mailer),
    'run-flow': runFlow,
    'schedule-plan': schedulePlan,
    'schedule-tick': scheduleTick,
    'device-retention': deviceRetentionTask({ pool, gate, defaultDays: config.deviceRetentionDays }),
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
  events.on('worker:create', ({ worker }) => void ids.add(worker.workerId));
  events.on('worker:release', ({ worker }) => void ids.delete(worker.workerId));
  const runner = await run({ pgPool: pool, taskList, concurrency: config.concurrency, noHandleSignals: true, pollInterval: 1000, logger, events, crontab: '17 * * * * device-retention' });
  const supervisor = startSupervisor({ pool, workerIds: () => [...ids], log, intervalMs: overrides.supervisorIntervalMs, staleAfterMs: overrides.staleAfterMs });
  return {
    runner,
    workerIds: () => [...ids],
    async stop() {
      await runner.stop();
      await supervisor.stop();
      await mailer.close();
      await egress.close();
      await gate.close();
      await pool.end();
    },
  };
}
