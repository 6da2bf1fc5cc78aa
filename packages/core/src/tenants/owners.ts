import type { TenantDb } from '@conflux/db';

/**
 * Locks the tenant's owner memberships and returns how many there are. Taking the row locks serialises
 * concurrent demotions/removals, so two owners cannot demote each other and leave the tenant ownerless.
 */
export async function lockOwners(db: TenantDb, tenantId: string): Promise<number> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM membership WHERE tenant_id = ${tenantId}::uuid AND role = 'owner' FOR UPDATE`;
  return rows.length;
}
