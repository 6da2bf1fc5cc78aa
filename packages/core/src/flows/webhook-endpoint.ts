import { randomBytes } from 'node:crypto';
import type { TenantDb } from '@conflux/db';
import type { Keyring } from '../connections/keyring.ts';
import { decryptJson, encryptJson } from '../connections/tenant-key.ts';

/** The public door of a webhook flow, as the builder shows it. */
export interface WebhookEndpointDto {
  url: string;
  authMode: 'hmac' | 'path_token';
  /** The HMAC signing secret (hmac mode), shown to the tenant so they can configure the sender. */
  secret: string | null;
}

/** Ensures a webhook flow has its endpoint (a random key; an HMAC secret encrypted like credentials). */
export async function ensureWebhookEndpoint(db: TenantDb, params: { tenantId: string; flowId: string; keyring: Keyring }): Promise<void> {
  const existing = await db.webhookEndpoint.findUnique({ where: { flowId: params.flowId }, select: { id: true } });
  if (existing) return;
  const key = randomBytes(24).toString('base64url');
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const sealed = await encryptJson(db, { tenantId: params.tenantId, keyring: params.keyring, aad: `webhook:${key}`, value: secret });
  await db.webhookEndpoint.create({ data: { tenantId: params.tenantId, flowId: params.flowId, key, secret: new Uint8Array(sealed) } });
}

export async function getWebhookEndpoint(
  db: TenantDb,
  params: { tenantId: string; flowId: string; keyring: Keyring; gatewayUrl: string },
): Promise<WebhookEndpointDto | null> {
  const row = await db.webhookEndpoint.findFirst({ where: { flowId: params.flowId, tenantId: params.tenantId }, select: { key: true, authMode: true, secret: true } });
  if (!row) return null;
  const secret = row.secret ? await decryptJson<string>(db, { tenantId: params.tenantId, keyring: params.keyring, aad: `webhook:${row.key}`, sealed: row.secret }) : null;
  return { url: `${params.gatewayUrl.replace(/\/$/, '')}/hooks/${row.key}`, authMode: row.authMode, secret: row.authMode === 'hmac' ? secret : null };
}

/** Switches how the endpoint authenticates senders: an HMAC signature, or the secret key in the path. */
export async function setWebhookAuthMode(db: TenantDb, params: { tenantId: string; flowId: string; authMode: 'hmac' | 'path_token' }): Promise<void> {
  await db.webhookEndpoint.updateMany({ where: { flowId: params.flowId, tenantId: params.tenantId }, data: { authMode: params.authMode } });
}

/** The HMAC signing secret of an endpoint, decrypted (the gateway caches it briefly). */
export async function getWebhookSecret(db: TenantDb, params: { tenantId: string; key: string; keyring: Keyring }): Promise<string | null> {
  const row = await db.webhookEndpoint.findFirst({ where: { key: params.key, tenantId: params.tenantId }, select: { secret: true } });
  if (!row?.secret) return null;
  return decryptJson<string>(db, { tenantId: params.tenantId, keyring: params.keyring, aad: `webhook:${params.key}`, sealed: row.secret });
}
