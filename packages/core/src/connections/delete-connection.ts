import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { requireRole } from '../tenants/roles.ts';
import { writeAudit } from '../tenants/audit.ts';

/** Deletes a connection no flow uses (drafts and published versions are checked), so no run breaks silently. */
export async function deleteConnection(db: TenantDb, actor: Actor, params: { connectionId: string }): Promise<{ id: string }> {
  requireRole(actor.role, 'admin', 'delete connections');
  const current = await db.connection.findFirst({ where: { id: params.connectionId, tenantId: actor.tenantId }, select: { id: true, name: true } });
  if (!current) throw new AppError('CONNECTION_NOT_FOUND', 'That connection does not exist.');
  const users = await db.$queryRaw<{ name: string }[]>`
    SELECT DISTINCT f.name FROM flow f
     WHERE f.tenant_id = ${actor.tenantId}::uuid
       AND (f.draft::text LIKE '%' || ${current.id} || '%'
            OR EXISTS (SELECT 1 FROM flow_version v WHERE v.flow_id = f.id AND v.version = f.published_version
                         AND v.definition::text LIKE '%' || ${current.id} || '%'))
     ORDER BY f.name LIMIT 10`;
  if (users.length) {
    throw new AppError('CONNECTION_IN_USE', `“${current.name}” is used by ${users.map((u) => `“${u.name}”`).join(', ')}. Change those flows first.`);
  }
  await db.connection.delete({ where: { id: current.id } });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'connection.deleted', target: current.name });
  return { id: current.id };
}
