import type { SystemDb } from '@conflux/db/system';
import { AppError } from '../errors.ts';
import { hashInvitationToken } from '../tenants/invitation-token.ts';

/** Params of acceptInvitation. */
export interface AcceptInvitationParams {
  token: string;
  userId: string;
  /** The session's user email: it must be the invited address, verified. */
  userEmail: string;
  emailVerified: boolean;
  /** The session to point at the joined workspace. */
  sessionId: string;
}

/**
 * Joins the invitation's tenant. Cross-tenant by nature (the user is not a member yet), hence the system
 * client. The invitation is consumed with a conditional update, so a link works exactly once even when
 * clicked twice at the same moment; membership, consumption and audit commit together.
 */
export async function acceptInvitation(sys: SystemDb, params: AcceptInvitationParams): Promise<{ tenantId: string; tenantName: string }> {
  const tokenHash = hashInvitationToken(params.token);
  return sys.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({
      where: { tokenHash },
      select: { id: true, tenantId: true, email: true, role: true, status: true, expiresAt: true, tenant: { select: { name: true } } },
    });
    if (!invitation) throw new AppError('INVITATION_NOT_FOUND', 'This invitation link is not valid. Ask for a new invitation.');
    if (invitation.status === 'accepted') throw new AppError('INVITATION_USED', 'This invitation has already been used.');
    if (invitation.status === 'revoked') throw new AppError('INVITATION_REVOKED', 'This invitation was withdrawn. Ask for a new one.');
    if (invitation.expiresAt.getTime() <= Date.now()) {
      throw new AppError('INVITATION_EXPIRED', 'This invitation has expired. Ask the workspace admin to resend it.');
    }
    if (invitation.email.toLowerCase() !== params.userEmail.toLowerCase()) {
      throw new AppError('INVITATION_EMAIL_MISMATCH', `This invitation was sent to ${invitation.email}. Sign in with that address to accept it.`);
    }
    if (!params.emailVerified) throw new AppError('EMAIL_NOT_VERIFIED', 'Verify your email address before joining a workspace.');

    const consumed = await tx.invitation.updateMany({
      where: { id: invitation.id, status: 'pending' },
      data: { status: 'accepted', acceptedAt: new Date() },
    });
    if (consumed.count === 0) throw new AppError('INVITATION_USED', 'This invitation has already been used.');
    await tx.membership.upsert({
      where: { tenantId_userId: { tenantId: invitation.tenantId, userId: params.userId } },
      create: { tenantId: invitation.tenantId, userId: params.userId, role: invitation.role },
      update: {},
    });
    await tx.auditLog.create({
      data: { tenantId: invitation.tenantId, actorUserId: params.userId, action: 'invitation.accepted', target: invitation.email, data: { role: invitation.role } },
    });
    await tx.session.updateMany({ where: { id: params.sessionId, userId: params.userId }, data: { activeTenantId: invitation.tenantId } });
    return { tenantId: invitation.tenantId, tenantName: invitation.tenant.name };
  });
}
