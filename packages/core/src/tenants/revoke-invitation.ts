import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { requireRole } from './roles.ts';
import { writeAudit } from './audit.ts';

/** Params of revokeInvitation. */
export interface RevokeInvitationParams {
  invitationId: string;
}

export async function revokeInvitation(db: TenantDb, actor: Actor, params: RevokeInvitationParams): Promise<{ id: string }> {
  requireRole(actor.role, 'admin', 'revoke invitations');
  const { count } = await db.invitation.updateMany({
    where: { id: params.invitationId, tenantId: actor.tenantId, status: 'pending' },
    data: { status: 'revoked' },
  });
  if (count === 0) throw new AppError('INVITATION_NOT_FOUND', 'That invitation does not exist or is no longer pending.');
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'invitation.revoked', target: params.invitationId });
  return { id: params.invitationId };
}
