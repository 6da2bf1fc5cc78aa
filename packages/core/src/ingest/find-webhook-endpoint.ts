import type { SystemDb } from '@conflux/db/system';

/** A webhook endpoint as the gateway needs it: whose it is and how it authenticates senders. */
export interface EndpointInfo {
  tenantId: string;
  flowId: string;
  key: string;
  authMode: 'hmac' | 'path_token';
}

/**
 * Resolves `POST /hooks/:key` to its tenant. An ingest door of the tenant gate: the tenant comes from the
 * endpoint's credentials (its unguessable key), and everything after this runs inside `withTenant`.
 */
export async function findWebhookEndpoint(sys: SystemDb, params: { key: string }): Promise<EndpointInfo | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(params.key)) return null;
  const row = await sys.webhookEndpoint.findUnique({ where: { key: params.key }, select: { tenantId: true, flowId: true, key: true, authMode: true } });
  return row ?? null;
}
