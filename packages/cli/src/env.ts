/**
 * The launcher's environment, parsed once. Unset means "use the embedded default": no DATABASE_URL starts an
 * embedded PostgreSQL, no SMTP_URL starts the local mail catcher, missing secrets come from the data folder.
 */
import path from 'node:path';
import { z } from 'zod';

/** pino's level names, shared by every app. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The launcher's resolved configuration. */
export interface LauncherEnv {
  /** Owner connection (runs migrations); undefined → embedded PostgreSQL. */
  databaseUrl: string | undefined;
  databaseAppUrl: string | undefined;
  databaseSystemUrl: string | undefined;
  databaseRolePassword: string | undefined;
  /** undefined → the local mail catcher. */
  smtpUrl: string | undefined;
  mailFrom: string;
  port: number;
  /** Where people reach the portal, without a trailing slash. */
  publicUrl: string;
  authSecret: string | undefined;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  embeddedPgPort: number;
  /** `production` runs the built portal (`next start`), `development` runs `next dev`. */
  mode: 'development' | 'production';
  /** Master keys (base64, current first); unset → the local one in secrets.json. */
  masterKeys: string | undefined;
  gatewayPort: number;
  /** The gateway's public URL, shown in webhook URLs; unset → http://localhost:<gateway port>. */
  gatewayUrl: string | undefined;
  /** An external MQTT broker to ingest from; unset → the embedded broker on mqttPort. */
  mqttUrl: string | undefined;
  mqttPort: number;
  /** Where devices connect, shown with their credentials; unset → derived from the broker in use. */
  mqttPublicUrl: string | undefined;
}

/** A bad environment variable; the message is one line naming it. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Variables the launcher reads (and resolves before handing the environment to the apps). */
export const LAUNCHER_VARIABLES = [
  'DATABASE_URL',
  'DATABASE_APP_URL',
  'DATABASE_SYSTEM_URL',
  'DATABASE_ROLE_PASSWORD',
  'SMTP_URL',
  'MAIL_FROM',
  'PORT',
  'PUBLIC_URL',
  'AUTH_SECRET',
  'CONFLUX_DATA_DIR',
  'LOG_LEVEL',
  'EMBEDDED_PG_PORT',
  'CONFLUX_MODE',
  'MASTER_KEYS',
  'GATEWAY_PORT',
  'GATEWAY_URL',
  'MQTT_URL',
  'MQTT_PORT',
  'MQTT_PUBLIC_URL',
] as const;

// Values of these may be echoed in an error; the others can carry passwords.
const SHOWABLE = new Set(['MAIL_FROM', 'PORT', 'PUBLIC_URL', 'CONFLUX_DATA_DIR', 'LOG_LEVEL', 'EMBEDDED_PG_PORT', 'CONFLUX_MODE', 'GATEWAY_PORT', 'GATEWAY_URL', 'MQTT_PORT', 'MQTT_PUBLIC_URL']);

function urlWithScheme(schemes: string[], example: string) {
  return z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL like ${example}` },
  );
}

const postgresUrl = urlWithScheme(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/database');

const port = z.coerce
  .number({ error: 'must be a port number (1-65535)' })
  .int({ error: 'must be a port number (1-65535)' })
  .min(1, { error: 'must be a port number (1-65535)' })
  .max(65535, { error: 'must be a port number (1-65535)' });

const schema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_APP_URL: postgresUrl.optional(),
  DATABASE_SYSTEM_URL: postgresUrl.optional(),
  DATABASE_ROLE_PASSWORD: z.string().min(8, { error: 'must be at least 8 characters' }).optional(),
  SMTP_URL: urlWithScheme(['smtp:', 'smtps:'], 'smtp://user:password@host:587').optional(),
  MAIL_FROM: z
    .string()
    .regex(/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/, { error: 'must be an address like Conflux <no-reply@example.com>' })
    .default('Conflux <no-reply@conflux.localhost>'),
  PORT: port.default(3000),
  PUBLIC_URL: urlWithScheme(['http:', 'https:'], 'https://conflux.example.com').optional(),
  AUTH_SECRET: z.string().min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -base64 32`)' }).optional(),
  CONFLUX_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  EMBEDDED_PG_PORT: port.default(54329),
  CONFLUX_MODE: z.enum(['development', 'production'], { error: 'must be development or production' }).default('development'),
  MASTER_KEYS: z
    .string()
    .refine((v) => v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32), { error: 'must be base64 32-byte keys, comma-separated, current first (e.g. `openssl rand -base64 32`)' })
    .optional(),
  GATEWAY_PORT: port.default(3001),
  GATEWAY_URL: urlWithScheme(['http:', 'https:'], 'https://hooks.example.com').optional(),
  MQTT_URL: urlWithScheme(['mqtt:', 'mqtts:', 'ws:', 'wss:'], 'mqtt://user:password@broker:1883').optional(),
  // 1883 is the usual broker port and often taken (a local Mosquitto): the embedded broker defaults to 1884.
  MQTT_PORT: port.default(1884),
  MQTT_PUBLIC_URL: urlWithScheme(['mqtt:', 'mqtts:', 'ws:', 'wss:'], 'mqtts://devices.example.com:8883').optional(),
});

/**
 * Parses the launcher's variables from `source` (usually process.env). Empty values count as unset, so a
 * `.env` line like `SMTP_URL=` keeps the embedded default. Relative CONFLUX_DATA_DIR resolves from `cwd`.
 */
export function parseEnv(
  source: Record<string, string | undefined>,
  defaults: { repoRoot: string; cwd?: string },
): LauncherEnv {
  const input: Record<string, string> = {};
  for (const name of LAUNCHER_VARIABLES) {
    const value = source[name]?.trim();
    if (value) input[name] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const shown = SHOWABLE.has(name) && input[name] !== undefined ? `, got "${input[name]}"` : '';
      return `${name} ${issue.message}${shown}`;
    });
    throw new EnvError(`Invalid environment: ${problems.join('; ')}`);
  }
  const env = result.data;
  if (!env.DATABASE_URL && (env.DATABASE_APP_URL || env.DATABASE_SYSTEM_URL)) {
    const which = env.DATABASE_APP_URL ? 'DATABASE_APP_URL' : 'DATABASE_SYSTEM_URL';
    throw new EnvError(
      `Invalid environment: ${which} is set but DATABASE_URL is not; set DATABASE_URL too (the owner connection that runs migrations)`,
    );
  }
  return {
    databaseUrl: env.DATABASE_URL,
    databaseAppUrl: env.DATABASE_APP_URL,
    databaseSystemUrl: env.DATABASE_SYSTEM_URL,
    databaseRolePassword: env.DATABASE_ROLE_PASSWORD,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    authSecret: env.AUTH_SECRET,
    dataDir: env.CONFLUX_DATA_DIR
      ? path.resolve(defaults.cwd ?? process.cwd(), env.CONFLUX_DATA_DIR)
      : path.join(defaults.repoRoot, '.data'),
    logLevel: env.LOG_LEVEL,
    embeddedPgPort: env.EMBEDDED_PG_PORT,
    mode: env.CONFLUX_MODE,
    masterKeys: env.MASTER_KEYS,
    gatewayPort: env.GATEWAY_PORT,
    gatewayUrl: env.GATEWAY_URL?.replace(/\/+$/, ''),
    mqttUrl: env.MQTT_URL,
    mqttPort: env.MQTT_PORT,
    mqttPublicUrl: env.MQTT_PUBLIC_URL?.replace(/\/+$/, ''),
  };
}
