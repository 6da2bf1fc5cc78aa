import os from 'node:os';
import { z } from 'zod';

/** The MQTT app's configuration, parsed once from the environment (the launcher sets it). */
export interface MqttConfig {
  appDatabaseUrl: string;
  systemDatabaseUrl: string;
  /** An external broker to ingest from (client mode); unset → the embedded broker. */
  brokerUrl: string | undefined;
  /** Embedded broker: where it listens. */
  port: number;
  host: string;
  /** Client mode: the shared-subscription group and this process's (stable) client id. */
  shareGroup: string;
  clientId: string;
  /** How long the broker keeps this process's session (and what it had in flight) while it is away, seconds. */
  sessionExpirySeconds: number;
  /** Largest accepted payload; larger ones are counted as malformed (and, far larger, cut off). */
  maxPayloadBytes: number;
  /** Per-tenant messages/s (tenants' device quotas override it) and burst. */
  /** Operator override of every tenant's device message rate (else each tenant's plan, or its device_quota). */
  tenantRate: number | undefined;
  tenantBurst: number | undefined;
  /** Micro-batches: at most this many messages, flushed after at most lingerMs. */
  batchMax: number;
  lingerMs: number;
  /** Batches written at once (each a transaction of one tenant). */
  flushConcurrency: number;
  /** The HTTP auth/ACL hook for an external broker (mosquitto-go-auth's HTTP backend); unset → off. */
  authHookPort: number | undefined;
  authHookHost: string;
  /** Username an external broker should treat as the ingest's own (superuser) account. */
  serviceUsername: string | undefined;
  /** Client mode: keep Mosquitto's dynamic-security accounts in step with the registry. */
  dynamicSecurity: boolean;
  /** Master keys (base64, current first): to open the passwords handed to the broker (dynamic security). */
  masterKeys: string[];
  logLevel: string;
}

const schema = z.object({
  DATABASE_APP_URL: z.url({ error: 'DATABASE_APP_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  DATABASE_SYSTEM_URL: z.url({ error: 'DATABASE_SYSTEM_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  MQTT_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^(mqtts?|wss?|tcp|ssl):\/\//.test(v), 'MQTT_URL must be a URL like mqtt://user:password@broker:1883 (or mqtts://, ws://, wss://)'),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1884),
  MQTT_HOST: z.string().default('0.0.0.0'),
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'MQTT_SHARE_GROUP must be letters, digits, _ and -').default('conflux'),
  MQTT_CLIENT_ID: z.string().min(1).max(128).optional(),
  MQTT_SESSION_EXPIRY: z.coerce.number().int().min(0).max(7 * 86_400).default(3600),
  MQTT_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
  MQTT_TENANT_RATE: z.coerce.number().positive().optional(),
  MQTT_TENANT_BURST: z.coerce.number().positive().optional(),
  MQTT_BATCH_MAX: z.coerce.number().int().min(1).max(5000).default(500),
  MQTT_LINGER_MS: z.coerce.number().min(0).max(1000).default(5),
  MQTT_FLUSH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  MQTT_AUTH_HOOK_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  MQTT_AUTH_HOOK_HOST: z.string().default('127.0.0.1'),
  MQTT_SERVICE_USERNAME: z.string().min(1).optional(),
  MQTT_DYNAMIC_SECURITY: z.enum(['on', 'off', 'true', 'false', '1', '0']).default('off'),
  MASTER_KEYS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export function parseMqttConfig(env: Record<string, string | undefined>): MqttConfig {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`MQTT configuration is invalid:\n${z.prettifyError(result.error)}`);
  const e = result.data;
  const dynamicSecurity = ['on', 'true', '1'].includes(e.MQTT_DYNAMIC_SECURITY);
  const masterKeys = (e.MASTER_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (dynamicSecurity && !e.MQTT_URL) throw new Error('MQTT configuration is invalid:\nMQTT_DYNAMIC_SECURITY=on keeps an external Mosquitto\'s accounts: set MQTT_URL to that broker (the embedded broker checks the registry itself)');
  if (dynamicSecurity && masterKeys.length === 0) throw new Error('MQTT configuration is invalid:\nMQTT_DYNAMIC_SECURITY=on needs MASTER_KEYS (the same as the other apps\'; `pnpm start` sets it) to open the passwords it hands to the broker');
  const brokerUser = e.MQTT_URL ? decodeURIComponent(new URL(e.MQTT_URL).username) || undefined : undefined;
  return {
    appDatabaseUrl: e.DATABASE_APP_URL,
    systemDatabaseUrl: e.DATABASE_SYSTEM_URL,
    brokerUrl: e.MQTT_URL,
    port: e.MQTT_PORT,
    host: e.MQTT_HOST,
    shareGroup: e.MQTT_SHARE_GROUP,
    // Stable across restarts, so the broker keeps this process's session (and redelivers what it had in flight).
    clientId: e.MQTT_CLIENT_ID ?? `conflux-ingest-${os.hostname()}`.slice(0, 128),
    sessionExpirySeconds: e.MQTT_SESSION_EXPIRY,
    maxPayloadBytes: e.MQTT_MAX_PAYLOAD_BYTES,
    tenantRate: e.MQTT_TENANT_RATE,
    tenantBurst: e.MQTT_TENANT_BURST ?? (e.MQTT_TENANT_RATE ? e.MQTT_TENANT_RATE * 2 : undefined),
    batchMax: e.MQTT_BATCH_MAX,
    lingerMs: e.MQTT_LINGER_MS,
    flushConcurrency: e.MQTT_FLUSH_CONCURRENCY,
    authHookPort: e.MQTT_AUTH_HOOK_PORT,
    authHookHost: e.MQTT_AUTH_HOOK_HOST,
    serviceUsername: e.MQTT_SERVICE_USERNAME ?? brokerUser,
    dynamicSecurity,
    masterKeys,
    logLevel: e.LOG_LEVEL,
  };
}
