import type { SystemDb } from '@conflux/db/system';
import { AppError } from '../errors.ts';

/** Params of switchTenant. */
export interface SwitchTenantParams {
  sessionId: string;
  userId: string;
  tenantId: string;
}

/** Points the session at another of the user's workspaces. Someone else's workspace looks like a missing one. */
export async function switchTenant(sys: SystemDb, params: SwitchTenantParams): Promise<{ tenantId: string }> {
  const membership = await sys.membership.findUnique({
    where: { tenantId_userId: { tenantId: params.tenantId, userId: params.userId } },
    select: { id: true },
  });
  if (!membership) throw new AppError('TENANT_NOT_FOUND', 'That workspace does not exist or you are not a member of it.');
  await sys.session.updateMany({ where: { id: params.sessionId, userId: params.userId }, data: { activeTenantId: params.tenantId } });
  return { tenantId: params.tenantId };
}
