import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { AppError } from '../errors.ts';
import { listPlans, retentionDaysFor, webhookRateOf, type PlanDto, type Rate } from './limits.ts';

/** How much of one limit is used. */
export interface Meter {
  used: number;
  limit: number;
  /** What is left before the limit (never negative). */
  headroom: number;
  /** used / limit in percent, rounded down to a whole number (100 when a zero limit is used at all). */
  percent: number;
}

/** A workspace's plan, what it used of it, and the plans to compare with (the portal's /usage). */
export interface UsageDto {
  plan: PlanDto;
  /** Runs started this calendar month (UTC), as the dispatcher counts them: first attempts (automatic retries are not new runs). */
  runs: Meter & {
    /** Runs over the quota, waiting to start (status quota_exceeded). */
    waiting: number;
    /** When the monthly count starts again from zero (the first day of next month, 00:00 UTC). */
    resetsAt: Date;
  };
  /** Runs running at this moment, against the plan's concurrency cap. */
  concurrentRuns: Meter;
  devices: Meter;
  webhookRate: Rate;
  /** Days finished runs and device telemetry are kept (telemetry may have its own, per-workspace setting). */
  retentionDays: { runs: number; telemetry: number };
  /** Every plan, smallest first; `current` marks the workspace's. */
  plans: (PlanDto & { current: boolean })[];
}

function meter(used: number, limit: number): Meter {
  const percent = limit > 0 ? Math.floor((used / limit) * 100) : used > 0 ? 100 : 0;
  return { used, limit, headroom: Math.max(limit - used, 0), percent };
}

/** The workspace's usage of its plan. Any member may read it (owners get the mail when the quota runs out). */
export async function getUsage(db: TenantDb, actor: Actor): Promise<UsageDto> {
  const tenantId = actor.tenantId;
  const now = new Date();
  // One after the other: a transaction is one connection, which runs one query at a time anyway.
  const account = await db.tenantAccount.findUnique({ where: { tenantId }, select: { planId: true, usageMonth: true, runsThisMonth: true } });
  const waiting = await db.run.count({ where: { tenantId, status: 'quota_exceeded' } });
  // Counted as the dispatcher counts them against the cap (run_running_idx), not kept in a counter.
  const running = await db.run.count({ where: { tenantId, status: 'running' } });
  const devices = await db.device.count({ where: { tenantId } });
  const plans = await listPlans(db);
  const plan = plans.find((p) => p.id === account?.planId);
  if (!account || !plan) throw new AppError('TENANT_NOT_FOUND', 'That workspace does not exist.');
  const telemetryDays = await retentionDaysFor(db, tenantId, 'telemetry', plan);
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  // The dispatcher resets the counter lazily, at the month's first claim: an older month's count is stale.
  const runsUsed = account.usageMonth.getTime() >= monthStart.getTime() ? account.runsThisMonth : 0;
  return {
    plan,
    runs: { ...meter(runsUsed, plan.runsPerMonth), waiting, resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) },
    concurrentRuns: meter(running, plan.concurrentRuns),
    devices: meter(devices, plan.devices),
    webhookRate: webhookRateOf(plan),
    retentionDays: { runs: plan.retentionDays, telemetry: telemetryDays },
    plans: plans.map((p) => ({ ...p, current: p.id === plan.id })),
  };
}
