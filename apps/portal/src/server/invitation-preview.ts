import 'server-only';
import { isAppError } from '@conflux/core';
import { getInvitation, type InvitationPreviewDto } from '@conflux/core/identity';
import { getServices } from './services.ts';

/**
 * The invitation page's preview for visitors who may not be signed in yet. The emailed token is the
 * credential (only its holder can read the preview), so this is `me.invitation` without the session:
 * a named cross-tenant read for the /invite/[token] page only. Unknown tokens give null.
 */
export async function previewInvitation(token: string): Promise<InvitationPreviewDto | null> {
  if (token.length < 10 || token.length > 200) return null;
  try {
    return await getInvitation(getServices().system.db, { token });
  } catch (error) {
    if (isAppError(error) && error.code === 'INVITATION_NOT_FOUND') return null;
    throw error;
  }
}
