import type { TenantDb } from '@conflux/db';

/** An enabled flow whose published trigger listens to a connector's app webhook on one connection. */
export interface AppWebhookFlow {
  flowId: string;
  trigger: string;
  props: Record<string, unknown>;
}

/**
 * The tenant's enabled flows whose *published* version is triggered by this connector's app webhook
 * through this connection — selected in SQL, so an event costs one query however many flows the tenant has.
 */
export async function findAppWebhookFlows(db: TenantDb, params: { tenantId: string; connectorId: string; connectionId: string }): Promise<AppWebhookFlow[]> {
  const rows = await db.$queryRaw<{ id: string; trigger: { trigger: string; props?: Record<string, unknown> } }[]>`
    SELECT f.id, v.definition -> 'trigger' AS trigger
      FROM flow f
      JOIN flow_version v ON v.flow_id = f.id AND v.version = f.published_version
     WHERE f.tenant_id = ${params.tenantId}::uuid AND f.enabled
       AND v.definition -> 'trigger' ->> 'connector' = ${params.connectorId}
       AND v.definition -> 'trigger' ->> 'connectionId' = ${params.connectionId}`;
  return rows.map((r) => ({ flowId: r.id, trigger: r.trigger.trigger, props: r.trigger.props ?? {} }));
}
