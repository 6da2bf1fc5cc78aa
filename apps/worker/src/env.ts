import { z } from 'zod';

/** The worker's configuration, parsed once from the environment (the launcher sets it). */
export interface WorkerConfig {
  systemDatabaseUrl: string;
  appDatabaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  concurrency: number;
  logLevel: string;
}

const schema = z.object({
  DATABASE_SYSTEM_URL: z.url({ error: 'DATABASE_SYSTEM_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  DATABASE_APP_URL: z.url({ error: 'DATABASE_APP_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  SMTP_URL: z.url({ error: 'SMTP_URL must be an smtp:// or smtps:// URL' }),
  MAIL_FROM: z.string().min(3).default('Conflux <no-reply@conflux.localhost>'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export function parseWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const result = schema.safeParse(env);
  if (!result.success) throw new Error(`Worker configuration is invalid:\n${z.prettifyError(result.error)}`);
  const e = result.data;
  return {
    systemDatabaseUrl: e.DATABASE_SYSTEM_URL,
    appDatabaseUrl: e.DATABASE_APP_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    concurrency: e.WORKER_CONCURRENCY,
    logLevel: e.LOG_LEVEL,
  };
}
