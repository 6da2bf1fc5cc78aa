import type { Role, TenantDb } from '@conflux/db';
import { enqueue } from '@conflux/queue';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { requireRole } from './roles.ts';
import { writeAudit } from './audit.ts';
import { INVITATION_TTL_MS, newInvitationToken } from './invitation-token.ts';
import { invitationMail } from '../mail/templates.ts';

/** Params of inviteMember. */
export interface InviteMemberParams {
  email: string;
  role: Role;
  /** Base URL of the portal, for the link in the email. */
  publicUrl: string;
}

/** A pending invitation as the team page shows it. */
export interface InvitationDto {
  id: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked';
  expiresAt: Date;
  createdAt: Date;
  expired: boolean;
}

/**
 * Invites someone by email. The invitation row and its email job commit together, so an invitation is
 * never stored without its mail being queued (nor a mail sent for an invitation that was rolled back).
 */
export async function inviteMember(db: TenantDb, actor: Actor, params: InviteMemberParams): Promise<InvitationDto> {
  requireRole(actor.role, 'admin', 'invite teammates');
  if (params.role === 'owner' && actor.role !== 'owner') {
    throw new AppError('ROLE_FORBIDDEN', 'Only owners can invite other owners.');
  }
  const email = params.email.trim().toLowerCase();
  const existingMember = await db.membership.findFirst({
    where: { tenantId: actor.tenantId, user: { email } },
    select: { id: true },
  });
  if (existingMember) throw new AppError('ALREADY_MEMBER', `${email} is already a member of this workspace.`);
  const pending = await db.invitation.findFirst({
    where: { tenantId: actor.tenantId, email, status: 'pending', expiresAt: { gt: new Date() } },
    select: { id: true },
  });
  if (pending) throw new AppError('ALREADY_INVITED', `${email} already has a pending invitation: resend it from the list instead.`);

  const { token, tokenHash } = newInvitationToken();
  const invitation = await db.invitation.create({
    data: { tenantId: actor.tenantId, email, role: params.role, tokenHash, invitedById: actor.userId, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
    select: { id: true, email: true, role: true, status: true, expiresAt: true, createdAt: true },
  });
  await sendInvitationMail(db, actor, { email, role: params.role, token, publicUrl: params.publicUrl });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'invitation.created', target: email, data: { role: params.role } });
  return { ...invitation, expired: false };
}

/** Queues the invitation email (in the caller's transaction). */
export async function sendInvitationMail(
  db: TenantDb,
  actor: Actor,
  params: { email: string; role: Role; token: string; publicUrl: string },
): Promise<void> {
  const [tenant, inviter] = await Promise.all([
    db.tenant.findUniqueOrThrow({ where: { id: actor.tenantId }, select: { name: true } }),
    db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } }),
  ]);
  const url = new URL(`/invite/${params.token}`, params.publicUrl).toString();
  const mail = invitationMail({ inviterName: inviter.name, tenantName: tenant.name, role: params.role, url });
  await enqueue(db, 'send-email', { to: params.email, ...mail });
}
