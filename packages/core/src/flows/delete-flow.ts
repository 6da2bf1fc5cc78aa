import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { requireRole } from '../tenants/roles.ts';
import { writeAudit } from '../tenants/audit.ts';

/** Deletes a flow with its versions, events and runs. */
export async function deleteFlow(db: TenantDb, actor: Actor, params: { flowId: string }): Promise<{ id: string }> {
  requireRole(actor.role, 'admin', 'delete flows');
  const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true, name: true } });
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  await db.flow.delete({ where: { id: flow.id } });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'flow.deleted', target: flow.name });
  return { id: flow.id };
}
