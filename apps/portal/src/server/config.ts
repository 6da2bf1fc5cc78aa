import { z } from 'zod';

/** The portal's configuration, parsed once from the environment (the launcher sets all of it). */
export interface PortalConfig {
  appDatabaseUrl: string;
  systemDatabaseUrl: string;
  authSecret: string;
  publicUrl: string;
  /** The development mail catcher is running: the portal shows its mailbox at /dev/mailbox. */
  mailCatcher: boolean;
  /** Rate limits on sign-in, sign-up and password reset (on unless explicitly turned off). */
  authRateLimit: boolean;
  /** Master keys (base64, current first) wrapping the tenants' data keys. */
  masterKeys: string[];
  /** Public URL of the webhook gateway, for the URLs shown to tenants. */
  gatewayUrl: string;
  /** Where devices reach the MQTT broker (shown with their credentials), e.g. mqtt://localhost:1884. */
  mqttPublicUrl?: string;
  /** CIDR ranges connector calls from the portal (connection tests, OAuth token exchanges) may reach although private. */
  egressAllow: string[];
}

const schema = z.object({
  DATABASE_APP_URL: z.url({ error: 'DATABASE_APP_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  DATABASE_SYSTEM_URL: z.url({ error: 'DATABASE_SYSTEM_URL must be a postgres:// URL (start Conflux with `pnpm start`, which sets it)' }),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters'),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  MAIL_CATCHER: z.enum(['0', '1']).default('0'),
  AUTH_RATE_LIMIT: z.enum(['on', 'off']).default('on'),
  MASTER_KEYS: z.string().min(40, 'MASTER_KEYS must hold at least one base64 32-byte key (start Conflux with `pnpm start`, which sets it)'),
  GATEWAY_URL: z.url().default('http://localhost:3001'),
  MQTT_PUBLIC_URL: z.string().regex(/^(mqtts?|wss?):\/\/\S+$/, 'MQTT_PUBLIC_URL must be a URL like mqtt://broker.example.com:1883').optional(),
  EGRESS_ALLOW: z.string().default(''),
});

export function parsePortalConfig(env: Record<string, string | undefined>): PortalConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new Error(`Portal configuration is invalid:\n${z.prettifyError(result.error)}`);
  }
  const e = result.data;
  return {
    appDatabaseUrl: e.DATABASE_APP_URL,
    systemDatabaseUrl: e.DATABASE_SYSTEM_URL,
    authSecret: e.AUTH_SECRET,
    publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    mailCatcher: e.MAIL_CATCHER === '1',
    authRateLimit: e.AUTH_RATE_LIMIT === 'on',
    masterKeys: e.MASTER_KEYS.split(',').map((k) => k.trim()).filter(Boolean),
    gatewayUrl: e.GATEWAY_URL.replace(/\/$/, ''),
    mqttPublicUrl: e.MQTT_PUBLIC_URL,
    egressAllow: e.EGRESS_ALLOW.split(',').map((c) => c.trim()).filter(Boolean),
  };
}
