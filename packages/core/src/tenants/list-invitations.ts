import type { TenantDb } from '@conflux/db';
import type { Actor } from './actor.ts';
import type { InvitationDto } from './invite-member.ts';

/** Pending invitations (expired ones included, marked, so they can be resent or revoked). */
export async function listInvitations(db: TenantDb, actor: Actor): Promise<InvitationDto[]> {
  const rows = await db.invitation.findMany({
    where: { tenantId: actor.tenantId, status: 'pending' },
    select: { id: true, email: true, role: true, status: true, expiresAt: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
    take: 500,
  });
  const now = Date.now();
  return rows.map((r) => ({ ...r, expired: r.expiresAt.getTime() <= now }));
}
