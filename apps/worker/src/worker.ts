import pg from 'pg';
import { run, Logger, type Runner, type TaskList } from 'graphile-worker';
import type { Logger as Pino } from 'pino';
import { createMailer } from '@conflux/mail';
import type { TaskName } from '@conflux/queue';
import type { WorkerConfig } from './env.ts';
import { sendEmailTask } from './tasks/send-email.ts';

/** A running worker: its graphile-worker runner and what it owns. */
export interface RunningWorker {
  runner: Runner;
  stop(): Promise<void>;
}

/** Starts the job runner as the system role (the queue holds no tenant rows; tasks enter the gate themselves). */
export async function startWorker(config: WorkerConfig, log: Pino): Promise<RunningWorker> {
  const pool = new pg.Pool({ connectionString: config.systemDatabaseUrl, max: config.concurrency + 2 });
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const taskList: Record<TaskName, TaskList[string]> = {
    'send-email': sendEmailTask(mailer),
  };
  const logger = new Logger((scope) => (level, message, meta) => {
    const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'debug' ? 'debug' : 'info';
    log[fn]({ ...scope, ...meta }, message);
  });
  const runner = await run({
    pgPool: pool,
    taskList,
    concurrency: config.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger,
  });
  return {
    runner,
    async stop() {
      await runner.stop();
      await mailer.close();
      await pool.end();
    },
  };
}
