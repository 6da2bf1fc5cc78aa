import type { SystemDb } from '@conflux/db/system';
import { AppError } from '../errors.ts';

/**
 * Moves a tenant to another plan (billing, or support staff). A platform operation, not a tenant's: it
 * runs on the system client. Runs parked over the old plan's quota start at once when the new plan has
 * room for them. Returns how many parked runs were released.
 */
export async function changeTenantPlan(system: SystemDb, params: { tenantId: string; planId: string }): Promise<{ released: number }> {
  const plan = await system.plan.findUnique({ where: { id: params.planId }, select: { id: true } });
  if (!plan) throw new AppError('PLAN_NOT_FOUND', `There is no plan "${params.planId}".`);
  const updated = await system.tenantAccount.updateMany({ where: { tenantId: params.tenantId }, data: { planId: plan.id } });
  if (updated.count === 0) throw new AppError('TENANT_NOT_FOUND', 'That workspace does not exist.');
  const [row] = await system.$queryRaw<{ released: number }[]>`SELECT release_quota_runs(${params.tenantId}::uuid) AS released`;
  return { released: row?.released ?? 0 };
}
