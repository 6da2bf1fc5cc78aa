import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { lockOwners } from './owners.ts';
import { writeAudit } from './audit.ts';

/** Params of removeMember. */
export interface RemoveMemberParams {
  membershipId: string;
}

/**
 * Owners remove anyone but the last owner; admins remove plain members. Removing yourself is `leaveTenant`.
 */
export async function removeMember(db: TenantDb, actor: Actor, params: RemoveMemberParams): Promise<{ membershipId: string }> {
  const owners = await lockOwners(db, actor.tenantId);
  const target = await db.membership.findFirst({
    where: { id: params.membershipId, tenantId: actor.tenantId },
    select: { id: true, role: true, userId: true },
  });
  if (!target) throw new AppError('MEMBER_NOT_FOUND', 'That member is not in this workspace.');
  if (target.userId === actor.userId) {
    throw new AppError('CANNOT_TARGET_SELF', 'To remove yourself, use “Leave workspace”.');
  }
  if (actor.role === 'member' || (actor.role === 'admin' && target.role !== 'member')) {
    throw new AppError('ROLE_FORBIDDEN', actor.role === 'admin' ? 'Admins can remove members only; ask an owner.' : 'Only owners and admins can remove members.');
  }
  if (target.role === 'owner' && owners <= 1) {
    throw new AppError('LAST_OWNER', 'A workspace needs at least one owner.');
  }
  await db.membership.delete({ where: { id: target.id } });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'member.removed', target: target.userId, data: { role: target.role } });
  return { membershipId: target.id };
}
