import type { Role, TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { requireRole } from './roles.ts';
import { lockOwners } from './owners.ts';
import { writeAudit } from './audit.ts';

/** Params of changeMemberRole. */
export interface ChangeMemberRoleParams {
  membershipId: string;
  role: Role;
}

/** Owners change anyone's role, their own included, as long as one owner remains. */
export async function changeMemberRole(db: TenantDb, actor: Actor, params: ChangeMemberRoleParams): Promise<{ membershipId: string; role: Role }> {
  requireRole(actor.role, 'owner', 'change roles');
  const owners = await lockOwners(db, actor.tenantId);
  const target = await db.membership.findFirst({
    where: { id: params.membershipId, tenantId: actor.tenantId },
    select: { id: true, role: true, userId: true },
  });
  if (!target) throw new AppError('MEMBER_NOT_FOUND', 'That member is not in this workspace.');
  if (target.role === 'owner' && params.role !== 'owner' && owners <= 1) {
    throw new AppError('LAST_OWNER', 'A workspace needs at least one owner: make someone else an owner first.');
  }
  if (target.role === params.role) return { membershipId: target.id, role: target.role };
  await db.membership.update({ where: { id: target.id }, data: { role: params.role } });
  await writeAudit(db, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'member.role_changed',
    target: target.userId,
    data: { from: target.role, to: params.role },
  });
  return { membershipId: target.id, role: params.role };
}
