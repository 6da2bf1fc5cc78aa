import type { Role, TenantDb } from '@conflux/db';

/** The caller's membership in the gated tenant, or null when they are not (or no longer) a member. */
export async function getMembership(db: TenantDb, params: { tenantId: string; userId: string }): Promise<{ id: string; role: Role } | null> {
  return db.membership.findUnique({
    where: { tenantId_userId: { tenantId: params.tenantId, userId: params.userId } },
    select: { id: true, role: true },
  });
}
