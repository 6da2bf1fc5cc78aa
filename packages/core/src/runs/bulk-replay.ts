import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';

/** Most runs one bulk replay resumes; the rest wait for the next call (the preview says how many remain). */
export const BULK_REPLAY_LIMIT = 500;

/** Which failed runs a bulk replay takes: the runs list's filters, status fixed to failed. */
export interface BulkReplayFilter {
  flowId?: string;
  from?: Date;
  to?: Date;
  businessKey?: string;
}

/** What a bulk replay would do, for the confirmation. */
export interface BulkReplayPreviewDto {
  /** Failed runs matching the filter. */
  failed: number;
  /** How many of them one call replays (at most BULK_REPLAY_LIMIT). */
  willReplay: number;
}

async function whereOf(db: TenantDb, actor: Actor, filter: BulkReplayFilter) {
  if (filter.flowId) {
    const flow = await db.flow.findFirst({ where: { id: filter.flowId, tenantId: actor.tenantId }, select: { id: true } });
    if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  }
  return {
    tenantId: actor.tenantId,
    status: 'failed' as const,
    ...(filter.flowId ? { flowId: filter.flowId } : {}),
    ...(filter.businessKey ? { businessKey: filter.businessKey } : {}),
    ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  };
}

/** Counts the failed runs a bulk replay with this filter would resume. */
export async function previewBulkReplay(db: TenantDb, actor: Actor, filter: BulkReplayFilter): Promise<BulkReplayPreviewDto> {
  const failed = await db.run.count({ where: await whereOf(db, actor, filter) });
  return { failed, willReplay: Math.min(failed, BULK_REPLAY_LIMIT) };
}

/**
 * Resumes the failed runs matching the filter from their failed step, oldest first, at most
 * BULK_REPLAY_LIMIT per call. Like a single replay, each run keeps its succeeded steps and its idempotency
 * keys, so calls a vendor already saw are recognised. One transaction: all chosen runs are queued, or none.
 */
export async function bulkReplay(db: TenantDb, actor: Actor, filter: BulkReplayFilter): Promise<{ replayed: number; remaining: number }> {
  const where = await whereOf(db, actor, filter);
  const runs = await db.run.findMany({ where, select: { id: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: BULK_REPLAY_LIMIT });
  if (!runs.length) return { replayed: 0, remaining: 0 };
  const ids = runs.map((r) => r.id);
  await db.runStep.deleteMany({ where: { tenantId: actor.tenantId, runId: { in: ids }, status: { not: 'succeeded' } } });
  await db.run.updateMany({ where: { tenantId: actor.tenantId, id: { in: ids }, status: 'failed' }, data: { status: 'queued', attempt: 0, finishedAt: null, nextAttemptAt: null, readyAt: new Date() } });
  await db.$executeRaw`UPDATE run SET error = NULL WHERE tenant_id = ${actor.tenantId}::uuid AND id = ANY(${ids}::uuid[])`;
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'run.bulk_replayed', ...(filter.flowId ? { target: filter.flowId } : {}), data: { count: ids.length } });
  const remaining = await db.run.count({ where });
  return { replayed: ids.length, remaining };
}
