import { z } from 'zod';

/** The worker's configuration, parsed once from the environment (the launcher sets it). */
export interface WorkerConfig {
  systemDatabaseUrl: string;
  appDatabaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  concurrency: number;
  logLevel: string;
  masterKeys: string[];
  /** CIDR ranges outbound calls may reach although private (e.g. 10.0.0.0/8 for an on-premise system). */
  egressAllow: string[];
  /** Outbound calls per second per connection (burst twice that): protects the tenant's vendor quota. */
  egressRatePerSecond: number;
  /** Attempts a run gets for retryable failures before it fails for good (default: the engine's policy). */
  runMaxAttempts?: number;
  /** The portal's public URL, for links in mails. */
  publicUrl: string;
  /** Records a sync pass asks its source for per poll (each page is stored in one transaction). */
  syncPageSize: number;
}

const schema = z.object({
  DATABASE_SYSTEM_URL: z.url({ error: 'DATABASE_SYSTEM_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  DATABASE_APP_URL: z.url({ error: 'DATABASE_APP_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  SMTP_URL: z.url({ error: 'SMTP_URL must be an smtp:// or smtps:// URL' }),
  MAIL_FROM: z.string().min(3).default('Conflux <no-reply@conflux.localhost>'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MASTER_KEYS: z.string().min(40, 'MASTER_KEYS must hold at least one base64 32-byte key (comma-separated, current first)'),
  EGRESS_ALLOW: z.string().default(''),
  EGRESS_RATE_PER_SECOND: z.coerce.number().positive().max(100_000).default(50),
  SYNC_PAGE_SIZE: z.coerce.number({ error: 'SYNC_PAGE_SIZE must be a whole number from 10 to 5000' }).int().min(10).max(5000).default(500),
  PUBLIC_URL: z.url({ error: 'PUBLIC_URL must be the portal URL, e.g. http://localhost:3000' }).default('http://localhost:3000'),
  RUN_MAX_ATTEMPTS: z.coerce.number({ error: 'RUN_MAX_ATTEMPTS must be a whole number from 1 to 20' }).int().min(1).max(20).optional(),
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
    masterKeys: e.MASTER_KEYS.split(',').map((k) => k.trim()).filter(Boolean),
    egressAllow: e.EGRESS_ALLOW.split(',').map((c) => c.trim()).filter(Boolean),
    egressRatePerSecond: e.EGRESS_RATE_PER_SECOND,
    publicUrl: e.PUBLIC_URL,
    syncPageSize: e.SYNC_PAGE_SIZE,
    ...(e.RUN_MAX_ATTEMPTS ? { runMaxAttempts: e.RUN_MAX_ATTEMPTS } : {}),
  };
}
