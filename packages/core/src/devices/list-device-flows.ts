import type { TenantDb } from '@conflux/db';
import type { DeviceMessageTriggerDefinition } from '@conflux/connector-sdk';
import type { ConnectorCatalog } from '../connections/catalog.ts';

/** An enabled flow started by device messages, with its trigger's parsed props. */
export interface DeviceFlow {
  flowId: string;
  trigger: DeviceMessageTriggerDefinition;
  props: unknown;
}

/**
 * The tenant's enabled, published flows whose trigger is a device-message trigger (the mqtt connector's
 * "Device message"), with their published props parsed (defaults applied). Props that no longer parse are
 * skipped: such a flow could not have been published.
 */
export async function listDeviceFlows(db: TenantDb, params: { tenantId: string; catalog: ConnectorCatalog }): Promise<DeviceFlow[]> {
  const rows = await db.$queryRawUnsafe<{ id: string; trigger: { connector?: string; trigger?: string; props?: unknown } | null }[]>(
    `SELECT f.id, v.definition->'trigger' AS trigger
       FROM flow f JOIN flow_version v ON v.flow_id = f.id AND v.version = f.published_version
      WHERE f.tenant_id = $1::uuid AND f.enabled`,
    params.tenantId,
  );
  const flows: DeviceFlow[] = [];
  for (const row of rows) {
    const spec = row.trigger;
    const trigger = spec?.connector && spec.trigger ? params.catalog.get(spec.connector)?.triggers[spec.trigger] : undefined;
    if (!trigger || trigger.type !== 'device_message') continue;
    const props = trigger.props.safeParse(spec?.props ?? {});
    if (props.success) flows.push({ flowId: row.id, trigger, props: props.data });
  }
  return flows;
}
