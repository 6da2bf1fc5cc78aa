import type { Role } from '@conflux/db';
import type { SystemDb } from '@conflux/db/system';

/** A workspace the user belongs to, for the switcher. */
export interface UserTenantDto {
  id: string;
  name: string;
  role: Role;
}

/** Cross-tenant by nature (one user, many tenants), hence the system client; reads only the user's own memberships. */
export async function listTenantsOfUser(sys: SystemDb, params: { userId: string }): Promise<UserTenantDto[]> {
  const rows = await sys.membership.findMany({
    where: { userId: params.userId },
    select: { role: true, tenant: { select: { id: true, name: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ id: r.tenant.id, name: r.tenant.name, role: r.role }));
}
