import type { Role } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';
import { AppError } from '../errors.ts';
import { hashInvitationToken } from '../tenants/invitation-token.ts';

/** What the invitee sees before accepting. Only the holder of the emailed token can read it. */
export interface InvitationPreviewDto {
  tenantName: string;
  inviterName: string;
  email: string;
  role: Role;
  state: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: Date;
}

export async function getInvitation(sys: SystemDb, params: { token: string }): Promise<InvitationPreviewDto> {
  const row = await sys.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(params.token) },
    select: { email: true, role: true, status: true, expiresAt: true, tenant: { select: { name: true } }, invitedBy: { select: { name: true } } },
  });
  if (!row) throw new AppError('INVITATION_NOT_FOUND', 'This invitation link is not valid. Ask for a new invitation.');
  const expired = row.status === 'pending' && row.expiresAt.getTime() <= Date.now();
  return {
    tenantName: row.tenant.name,
    inviterName: row.invitedBy.name,
    email: row.email,
    role: row.role,
    state: expired ? 'expired' : row.status,
    expiresAt: row.expiresAt,
  };
}
