import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { requireRole } from './roles.ts';
import { INVITATION_TTL_MS, newInvitationToken } from './invitation-token.ts';
import { sendInvitationMail, type InvitationDto } from './invite-member.ts';

/** Params of resendInvitation. */
export interface ResendInvitationParams {
  invitationId: string;
  publicUrl: string;
}

/** Issues a fresh token (the old link stops working) and a new 7-day window, and mails it again. */
export async function resendInvitation(db: TenantDb, actor: Actor, params: ResendInvitationParams): Promise<InvitationDto> {
  requireRole(actor.role, 'admin', 'resend invitations');
  const existing = await db.invitation.findFirst({
    where: { id: params.invitationId, tenantId: actor.tenantId, status: 'pending' },
    select: { id: true, email: true, role: true },
  });
  if (!existing) throw new AppError('INVITATION_NOT_FOUND', 'That invitation does not exist or is no longer pending.');
  const { token, tokenHash } = newInvitationToken();
  const updated = await db.invitation.update({
    where: { id: existing.id },
    data: { tokenHash, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
    select: { id: true, email: true, role: true, status: true, expiresAt: true, createdAt: true },
  });
  await sendInvitationMail(db, actor, { email: existing.email, role: existing.role, token, publicUrl: params.publicUrl });
  return { ...updated, expired: false };
}
