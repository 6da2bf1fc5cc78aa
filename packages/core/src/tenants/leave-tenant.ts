import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { lockOwners } from './owners.ts';
import { writeAudit } from './audit.ts';

/** Leaves the workspace; the last owner cannot leave (transfer ownership first). */
export async function leaveTenant(db: TenantDb, actor: Actor): Promise<{ tenantId: string }> {
  const owners = await lockOwners(db, actor.tenantId);
  if (actor.role === 'owner' && owners <= 1) {
    throw new AppError('LAST_OWNER', 'You are the last owner: make someone else an owner before leaving.');
  }
  await db.membership.delete({ where: { tenantId_userId: { tenantId: actor.tenantId, userId: actor.userId } } });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'member.left', target: actor.userId });
  return { tenantId: actor.tenantId };
}
