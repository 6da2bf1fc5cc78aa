import { z } from 'zod';

/** The gateway's configuration, parsed once from the environment (the launcher sets it). */
export interface GatewayConfig {
  appDatabaseUrl: string;
  systemDatabaseUrl: string;
  port: number;
  host: string;
  masterKeys: string[];
  maxBodyBytes: number;
  /** Operator override of the plans' webhook rates: one rate for every tenant (unset: each tenant's plan). */
  tenantRate: { perSecond: number; burst: number } | undefined;
  /** Provider signing secrets of app webhooks, by connector id (e.g. stripe → whsec_…). */
  appSecrets: Record<string, string>;
  logLevel: string;
  /** Where devices connect (returned with provisioned credentials). */
  mqttPublicUrl: string | undefined;
}

const schema = z.object({
  DATABASE_APP_URL: z.url({ error: 'DATABASE_APP_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  DATABASE_SYSTEM_URL: z.url({ error: 'DATABASE_SYSTEM_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  MASTER_KEYS: z.string().min(40, 'MASTER_KEYS must hold at least one base64 32-byte key (comma-separated, current first)'),
  WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),
  // Unset by default: the rate comes from each tenant's plan. Set, it overrides every plan (benchmarks).
  WEBHOOK_RATE_PER_SECOND: z.coerce.number().positive().optional(),
  WEBHOOK_RATE_BURST: z.coerce.number().positive().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  MQTT_PUBLIC_URL: z.string().regex(/^(mqtts?|wss?):\/\/\S+$/, 'MQTT_PUBLIC_URL must be a URL like mqtt://devices.example.com:1883').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).refine((e) => e.WEBHOOK_RATE_BURST === undefined || e.WEBHOOK_RATE_PER_SECOND !== undefined, {
  path: ['WEBHOOK_RATE_BURST'],
  message: 'WEBHOOK_RATE_BURST needs WEBHOOK_RATE_PER_SECOND (without either, each tenant’s plan sets its webhook rate)',
});

export function parseGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const result = schema.safeParse(env);
  if (!result.success) throw new Error(`Gateway configuration is invalid:\n${z.prettifyError(result.error)}`);
  const e = result.data;
  return {
    appDatabaseUrl: e.DATABASE_APP_URL,
    systemDatabaseUrl: e.DATABASE_SYSTEM_URL,
    port: e.GATEWAY_PORT,
    host: e.GATEWAY_HOST,
    masterKeys: e.MASTER_KEYS.split(',').map((k) => k.trim()).filter(Boolean),
    maxBodyBytes: e.WEBHOOK_MAX_BYTES,
    tenantRate: e.WEBHOOK_RATE_PER_SECOND ? { perSecond: e.WEBHOOK_RATE_PER_SECOND, burst: e.WEBHOOK_RATE_BURST ?? e.WEBHOOK_RATE_PER_SECOND * 2 } : undefined,
    appSecrets: e.STRIPE_WEBHOOK_SECRET ? { stripe: e.STRIPE_WEBHOOK_SECRET } : {},
    logLevel: e.LOG_LEVEL,
    mqttPublicUrl: e.MQTT_PUBLIC_URL,
  };
}
