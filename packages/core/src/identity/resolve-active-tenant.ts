import type { Role } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';

/** The tenant a session works in, after checking the membership still exists. */
export interface ActiveTenant {
  tenantId: string;
  role: Role;
}

/**
 * Returns the session's active tenant if the user is still a member of it; otherwise moves the session
 * to the user's first remaining workspace (removed members land somewhere sensible), or returns null.
 */
export async function resolveActiveTenant(
  sys: SystemDb,
  session: { id: string; userId: string; activeTenantId: string | null },
): Promise<ActiveTenant | null> {
  if (session.activeTenantId) {
    const current = await sys.membership.findUnique({
      where: { tenantId_userId: { tenantId: session.activeTenantId, userId: session.userId } },
      select: { role: true },
    });
    if (current) return { tenantId: session.activeTenantId, role: current.role };
  }
  const first = await sys.membership.findFirst({
    where: { userId: session.userId },
    select: { tenantId: true, role: true },
    orderBy: { createdAt: 'asc' },
  });
  const next = first?.tenantId ?? null;
  if (next !== session.activeTenantId) {
    await sys.session.updateMany({ where: { id: session.id, userId: session.userId }, data: { activeTenantId: next } });
  }
  return first ? { tenantId: first.tenantId, role: first.role } : null;
}
