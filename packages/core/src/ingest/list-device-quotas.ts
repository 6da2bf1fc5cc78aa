import type { SystemDb } from '@conflux/db/system';

/**
 * Device messages per second per tenant, read by the MQTT app every few seconds: its device_quota rate (an
 * operator's per-tenant setting) if any, and its plan's. Only tenants with devices or a quota row: the
 * others have nothing to send.
 */
export async function listDeviceQuotas(sys: SystemDb): Promise<Map<string, { messagesPerSecond: number | null; planRate: number }>> {
  const rows = await sys.$queryRaw<{ tenant_id: string; rate: number | null; plan_rate: number }[]>`
    SELECT a.tenant_id, q.messages_per_second AS rate, p.device_messages_per_second AS plan_rate
      FROM tenant_account a JOIN plan p ON p.id = a.plan_id
      LEFT JOIN device_quota q ON q.tenant_id = a.tenant_id
     WHERE q.tenant_id IS NOT NULL OR EXISTS (SELECT 1 FROM device d WHERE d.tenant_id = a.tenant_id)
     LIMIT 100000`;
  return new Map(rows.map((r) => [r.tenant_id, { messagesPerSecond: r.rate, planRate: r.plan_rate }]));
}
