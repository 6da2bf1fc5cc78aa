import type { TenantDb } from '@conflux/db';
import { queueSyncPass } from '../flows/schedule.ts';
import type { Actor } from '../tenants/actor.ts';
import { AppError } from '../errors.ts';
import { requireRole } from '../tenants/roles.ts';
import { writeAudit } from '../tenants/audit.ts';

/** One sync pass with its progress, as the portal shows it. */
export interface SyncDto {
  id: string;
  flowId: string;
  flowName: string;
  status: 'running' | 'succeeded' | 'failed';
  reason: string;
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  /** Records read from the source in this pass, and how many of them were new or changed (each starts a run). */
  recordsSeen: number;
  recordsChanged: number;
  /** The source's total, when it says so: reading progress is recordsSeen / totalEstimate. */
  totalEstimate: number | null;
  /** The runs this pass started, by outcome: processing progress is (processed + failed) / recordsChanged. */
  processed: number;
  failed: number;
  waiting: number;
  error: { code: string; message: string } | null;
}

/** A sync flow's state: its last passes and whether one runs now. */
export interface SyncFlowDto {
  flowId: string;
  flowName: string;
  enabled: boolean;
  running: boolean;
  skippedTicks: number;
  /** Where the next pass starts reading, as the trigger stored it (JSON text, shortened); null: from the start. */
  cursor: string | null;
  lastSync: SyncDto | null;
}

const PROCESSED = new Set(['succeeded', 'filtered']);
const WAITING = new Set(['queued', 'running', 'retrying', 'quota_exceeded']);

/**
 * The newest sync passes (of one flow, or of every flow), newest first, with their runs counted by outcome.
 * A flow that is not the tenant's is FLOW_NOT_FOUND, like everywhere else, rather than an empty list.
 */
export async function listSyncs(db: TenantDb, actor: Actor, params: { flowId?: string; limit?: number } = {}): Promise<SyncDto[]> {
  if (params.flowId) {
    const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true } });
    if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  }
  return findPasses(db, actor, {
    where: params.flowId ? { flowId: params.flowId } : {},
    take: Math.min(Math.max(params.limit ?? 20, 1), 100),
  });
}

/**
 * Passes, newest first, with their runs counted by outcome, in two queries whatever their number.
 * `latestPerFlow` keeps each flow's newest pass only (the flow, when given, is known to be the tenant's).
 */
async function findPasses(db: TenantDb, actor: Actor, params: { where: { flowId?: string | { in: string[] } }; take?: number; latestPerFlow?: boolean }): Promise<SyncDto[]> {
  const rows = await db.sync.findMany({
    where: { tenantId: actor.tenantId, ...params.where },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    ...(params.take ? { take: params.take } : {}),
    ...(params.latestPerFlow ? { distinct: ['flowId' as const] } : {}),
    include: { flow: { select: { name: true } } },
  });
  if (!rows.length) return [];
  const counts = await db.run.groupBy({ by: ['syncId', 'status'], where: { tenantId: actor.tenantId, syncId: { in: rows.map((r) => r.id) } }, _count: { _all: true } });
  return rows.map((r) => {
    const mine = counts.filter((c) => c.syncId === r.id);
    const sum = (pick: (status: string) => boolean) => mine.filter((c) => pick(c.status)).reduce((n, c) => n + c._count._all, 0);
    return {
      id: r.id,
      flowId: r.flowId,
      flowName: r.flow.name,
      status: r.status,
      reason: r.triggerReason,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      pages: r.pages,
      recordsSeen: r.recordsSeen,
      recordsChanged: r.recordsChanged,
      totalEstimate: r.totalEstimate,
      processed: sum((s) => PROCESSED.has(s)),
      failed: sum((s) => s === 'failed' || s === 'cancelled'),
      waiting: sum((s) => WAITING.has(s)),
      error: (r.error as SyncDto['error']) ?? null,
    };
  });
}

/** Every flow that has synced at least once (or is set up to), with its latest pass. */
export async function listSyncFlows(db: TenantDb, actor: Actor): Promise<SyncFlowDto[]> {
  const states = await db.syncState.findMany({ where: { tenantId: actor.tenantId }, include: { flow: { select: { name: true, enabled: true } } }, orderBy: { updatedAt: 'desc' } });
  if (!states.length) return [];
  const latest = await findPasses(db, actor, { where: { flowId: { in: states.map((s) => s.flowId) } }, latestPerFlow: true });
  const byFlow = new Map(latest.map((pass) => [pass.flowId, pass]));
  return states.map((state) => ({
    flowId: state.flowId,
    flowName: state.flow.name,
    enabled: state.flow.enabled,
    running: state.runningSyncId !== null,
    skippedTicks: state.skippedTicks,
    cursor: state.cursor === null || state.cursor === undefined ? null : JSON.stringify(state.cursor).slice(0, 300),
    lastSync: byFlow.get(state.flowId) ?? null,
  }));
}

/** Queues a pass now ("Sync now"); a pass already running makes it skip rather than run twice. */
export async function requestSync(db: TenantDb, actor: Actor, params: { flowId: string }): Promise<{ queued: true }> {
  const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { enabled: true, publishedVersion: true } });
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  if (!flow.publishedVersion) throw new AppError('FLOW_NOT_PUBLISHED', 'Publish the flow before syncing it.');
  if (!flow.enabled) throw new AppError('FLOW_DISABLED', 'Enable the flow before syncing it.');
  await queueSyncPass(db, { tenantId: actor.tenantId, flowId: params.flowId }, 'manual');
  return { queued: true };
}

/**
 * Forgets where a sync flow's source was read up to: the next pass reads it from the start. Records it has
 * seen keep their digests, so the ones that did not change start no run again; only new and changed records
 * do. Refused while a pass runs (it would store its own cursor after this). Admins and owners only.
 */
export async function resetSyncCursor(db: TenantDb, actor: Actor, params: { flowId: string }): Promise<{ reset: true }> {
  requireRole(actor.role, 'admin', 'reset a sync');
  const state = await db.syncState.findFirst({ where: { flowId: params.flowId, tenantId: actor.tenantId }, select: { runningSyncId: true } });
  if (!state) {
    const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true } });
    if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
    return { reset: true };
  }
  if (state.runningSyncId) throw new AppError('SYNC_RUNNING', 'A pass is running: reset the cursor once it has finished.');
  await db.$executeRaw`UPDATE sync_state SET cursor = NULL, updated_at = now() WHERE flow_id = ${params.flowId}::uuid`;
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'sync.cursor_reset', target: params.flowId });
  return { reset: true };
}
