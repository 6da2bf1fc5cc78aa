import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';

// A tenant's limits come from its plan, which is data (the plan table, see 006.do.plans-and-dispatch.sql):
// every limit is read and enforced through this file, so changing a plan row changes the platform's
// behaviour everywhere at once. The monthly run quota and the concurrency cap are enforced by the
// dispatcher in SQL (claim_runs), which reads the same rows.

/** A plan and its limits. */
export interface PlanDto {
  id: string;
  name: string;
  /** Order in comparisons (smallest plan first). */
  position: number;
  runsPerMonth: number;
  concurrentRuns: number;
  /** Webhook requests per second the gateway accepts for the tenant (bursts of twice that). */
  webhookRps: number;
  devices: number;
  /** Days finished runs (and device telemetry, unless a device quota says otherwise) are kept. */
  retentionDays: number;
  /** Share of the workers when tenants compete (relative to the other plans). */
  weight: number;
  priceCents: number;
}

/**
 * What reads a tenant's plan: a tenant-gated db (the app role may read its own account row and every
 * plan) or, for the gateway's rate limiter, which resolves tenants before entering any gate, the system
 * client. Only these two delegates are used, so either fits.
 */
export type PlanReader = Pick<TenantDb, 'tenantAccount' | 'plan'>;

const planSelect = {
  id: true,
  name: true,
  position: true,
  runsPerMonth: true,
  concurrentRuns: true,
  webhookRps: true,
  devices: true,
  retentionDays: true,
  weight: true,
  priceCents: true,
} as const;

/** The plan of a tenant. Every tenant has an account row (a trigger creates it with the tenant). */
export async function tenantPlan(db: PlanReader, tenantId: string): Promise<PlanDto> {
  const account = await db.tenantAccount.findUnique({ where: { tenantId }, select: { plan: { select: planSelect } } });
  if (!account) throw new AppError('TENANT_NOT_FOUND', 'That workspace does not exist.');
  return account.plan;
}

/** Every plan, smallest first (for comparisons). */
export async function listPlans(db: PlanReader): Promise<PlanDto[]> {
  return db.plan.findMany({ select: planSelect, orderBy: [{ position: 'asc' }, { id: 'asc' }] });
}

/** A token-bucket rate: sustained requests per second and the burst above it. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** Webhook senders may burst to twice the plan's rate: providers deliver in bursts after an outage. */
const WEBHOOK_BURST_FACTOR = 2;

/** The webhook rate a plan allows. */
export function webhookRateOf(plan: Pick<PlanDto, 'webhookRps'>): Rate {
  return { perSecond: plan.webhookRps, burst: plan.webhookRps * WEBHOOK_BURST_FACTOR };
}

/** The webhook rate of a tenant (the gateway caches it per tenant for a short while). */
export async function webhookRateFor(db: PlanReader, tenantId: string): Promise<Rate> {
  return webhookRateOf(await tenantPlan(db, tenantId));
}

/**
 * How many days a tenant's data of one kind is kept. Runs: the plan's retention. Device telemetry: the
 * tenant's device quota when one sets it (an operator's per-tenant exception), else the plan's retention.
 */
export async function retentionDaysFor(db: TenantDb, tenantId: string, data: 'runs' | 'telemetry', plan?: Pick<PlanDto, 'retentionDays'>): Promise<number> {
  if (data === 'telemetry') {
    const quota = await db.deviceQuota.findFirst({ where: { tenantId }, select: { retentionDays: true } });
    if (quota?.retentionDays) return quota.retentionDays;
  }
  return (plan ?? (await tenantPlan(db, tenantId))).retentionDays;
}

/**
 * Refuses one more device when the tenant already has as many as its plan allows, with a message saying
 * which limit and how to get past it. Device creations of a tenant are serialised by a transaction-level
 * advisory lock, so two concurrent creations cannot both take the last free place; call it in the same
 * transaction as the insert.
 */
export async function assertDeviceAllowed(db: TenantDb, tenantId: string): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`conflux:devices:${tenantId}`}, 0))`;
  const plan = await tenantPlan(db, tenantId);
  const count = await db.device.count({ where: { tenantId } });
  if (count < plan.devices) return;
  const bigger = (await listPlans(db)).find((p) => p.position > plan.position && p.devices > plan.devices);
  const upgrade = bigger ? `contact us to move to the ${bigger.name} plan (${bigger.devices.toLocaleString('en-US')} devices)` : 'contact us to raise the limit';
  throw new AppError(
    'PLAN_LIMIT',
    `Your ${plan.name} plan allows ${plan.devices.toLocaleString('en-US')} devices and this workspace has ${count.toLocaleString('en-US')}. Delete a device you no longer use, or ${upgrade}.`,
  );
}
