import type { SystemDb } from '@conflux/db/system';

/** Per-tenant messages/s overrides (plans), read by the MQTT app every few seconds. */
export async function listDeviceQuotas(sys: SystemDb): Promise<Map<string, { messagesPerSecond: number | null }>> {
  const rows = await sys.deviceQuota.findMany({ select: { tenantId: true, messagesPerSecond: true }, take: 100_000 });
  return new Map(rows.map((r) => [r.tenantId, { messagesPerSecond: r.messagesPerSecond }]));
}
