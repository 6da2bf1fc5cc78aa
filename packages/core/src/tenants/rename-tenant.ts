import type { TenantDb } from '@conflux/db';
import type { Actor } from './actor.ts';
import { requireRole } from './roles.ts';
import { writeAudit } from './audit.ts';

/** Params of renameTenant. */
export interface RenameTenantParams {
  name: string;
}

export async function renameTenant(db: TenantDb, actor: Actor, params: RenameTenantParams): Promise<{ id: string; name: string }> {
  requireRole(actor.role, 'admin', 'rename the workspace');
  const tenant = await db.tenant.update({ where: { id: actor.tenantId }, data: { name: params.name }, select: { id: true, name: true } });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'tenant.renamed', data: { name: params.name } });
  return tenant;
}
