import type { TenantDb, TenantGate } from '@conflux/db';

/**
 * Retention chores' loop: for each tenant, calls `deleteBatch` in a short transaction inside that tenant's
 * gate until it deletes less than `batch` rows, so no transaction grows large and no tenant is skipped.
 * `deleteBatch` returns how many of its main rows it deleted. Returns the total.
 */
export async function deleteInBatches(gate: TenantGate, tenants: string[], batch: number, deleteBatch: (db: TenantDb, tenantId: string) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (const tenantId of tenants) {
    for (;;) {
      const count = await gate.withTenant(tenantId, (db) => deleteBatch(db, tenantId));
      deleted += count;
      if (count < batch) break;
    }
  }
  return deleted;
}
