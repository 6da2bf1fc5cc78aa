import type { TenantDb } from '@conflux/db';
import { allSteps, type FlowDefinition } from '@conflux/engine';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';

/** Where a replay starts. */
export type ReplayFrom = 'failed_step' | 'trigger';

/** Which steps a replay will run again, for the confirmation preview. */
export interface ReplayPreviewDto {
  from: ReplayFrom;
  version: number;
  rerun: string[];
  kept: string[];
}

async function loadForReplay(db: TenantDb, actor: Actor, runId: string) {
  const run = await db.run.findFirst({
    where: { id: runId, tenantId: actor.tenantId },
    select: {
      id: true,
      flowId: true,
      eventId: true,
      status: true,
      replayOfId: true,
      businessKey: true,
      flowVersion: { select: { version: true, definition: true } },
      flow: { select: { publishedVersion: true } },
      steps: { select: { stepKey: true, status: true } },
    },
  });
  if (!run) throw new AppError('RUN_NOT_FOUND', 'That run does not exist.');
  return run;
}

export async function previewReplay(db: TenantDb, actor: Actor, params: { runId: string; from: ReplayFrom }): Promise<ReplayPreviewDto> {
  const run = await loadForReplay(db, actor, params.runId);
  if (params.from === 'trigger') {
    const version = run.flow.publishedVersion ?? run.flowVersion.version;
    const v = await db.flowVersion.findUnique({ where: { flowId_version: { flowId: run.flowId, version } }, select: { definition: true } });
    return { from: 'trigger', version, rerun: allSteps((v?.definition as FlowDefinition).steps).map((s) => s.key), kept: [] };
  }
  const done = new Set(run.steps.filter((s) => s.status === 'succeeded').map((s) => s.stepKey));
  const keys = allSteps((run.flowVersion.definition as FlowDefinition).steps).map((s) => s.key);
  return { from: 'failed_step', version: run.flowVersion.version, rerun: keys.filter((k) => !done.has(k)), kept: keys.filter((k) => done.has(k)) };
}

/**
 * Replays a failed run. From the failed step: the same run resumes with its original inputs and keeps
 * the steps that succeeded. From the trigger: a new run of the same event on the latest published
 * version. Either way idempotency keys derive from the original run, so a vendor that already saw a
 * step's call recognises it and nothing happens twice.
 */
export async function replayRun(db: TenantDb, actor: Actor, params: { runId: string; from: ReplayFrom }): Promise<{ runId: string }> {
  const run = await loadForReplay(db, actor, params.runId);
  if (params.from === 'failed_step') {
    if (run.status !== 'failed' && run.status !== 'cancelled') {
      throw new AppError('RUN_NOT_REPLAYABLE', `Only failed runs can be resumed; this one is ${run.status}.`);
    }
    await db.runStep.deleteMany({ where: { runId: run.id, status: { not: 'succeeded' } } });
    await db.run.update({ where: { id: run.id }, data: { status: 'queued', attempt: 0, error: undefined, finishedAt: null, nextAttemptAt: null, readyAt: new Date() } });
    await db.$executeRaw`UPDATE run SET error = NULL WHERE id = ${run.id}::uuid`;
    await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'run.replayed', target: run.id, data: { from: params.from } });
    return { runId: run.id };
  }
  if (!run.flow.publishedVersion) throw new AppError('FLOW_NOT_PUBLISHED', 'The flow has no published version to replay on.');
  const version = await db.flowVersion.findUnique({ where: { flowId_version: { flowId: run.flowId, version: run.flow.publishedVersion } }, select: { id: true } });
  if (!version) throw new AppError('VERSION_NOT_FOUND', 'The published version of this flow is missing.');
  const replay = await db.run.create({
    data: { tenantId: actor.tenantId, flowId: run.flowId, flowVersionId: version.id, eventId: run.eventId, replayOfId: run.replayOfId ?? run.id, businessKey: run.businessKey },
    select: { id: true },
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'run.replayed', target: run.id, data: { from: params.from, newRunId: replay.id } });
  return { runId: replay.id };
}
