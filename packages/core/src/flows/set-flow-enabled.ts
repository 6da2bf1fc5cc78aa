import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { planSchedule } from './schedule.ts';

/** Enables or disables a flow; only a published flow can be enabled. */
export async function setFlowEnabled(db: TenantDb, actor: Actor, params: { flowId: string; enabled: boolean }): Promise<{ enabled: boolean }> {
  const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true, name: true, publishedVersion: true } });
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  if (params.enabled && !flow.publishedVersion) throw new AppError('FLOW_NOT_PUBLISHED', 'Publish the flow before enabling it.');
  await db.flow.update({ where: { id: flow.id }, data: { enabled: params.enabled } });
  // Enabling a scheduled flow starts its ticks; a disabled flow's pending tick finds it disabled and stops.
  if (params.enabled) await planSchedule(db, { tenantId: actor.tenantId, flowId: flow.id });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: params.enabled ? 'flow.enabled' : 'flow.disabled', target: flow.name });
  return { enabled: params.enabled };
}
