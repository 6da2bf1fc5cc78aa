import type { SystemDb } from '@conflux/db/system';

/** A connection an app-webhook event belongs to. */
export interface AppWebhookTarget {
  tenantId: string;
  connectionId: string;
}

/**
 * Which tenants' connections an app-webhook event (one provider endpoint for everyone) belongs to, by the
 * event's routing key (e.g. a Stripe account id). The other ingest door: everything after runs per tenant.
 */
export async function findAppWebhookTargets(sys: SystemDb, params: { connectorId: string; routingKey: string }): Promise<AppWebhookTarget[]> {
  const rows = await sys.connection.findMany({
    where: { connectorId: params.connectorId, routingKey: params.routingKey },
    select: { tenantId: true, id: true },
    take: 1000,
  });
  return rows.map((r) => ({ tenantId: r.tenantId, connectionId: r.id }));
}
