import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';

/** A run with its event and step timeline. */
export interface RunDetailDto {
  id: string;
  flowId: string;
  flowName: string;
  version: number;
  status: string;
  attempt: number;
  businessKey: string | null;
  error: Record<string, unknown> | null;
  replayOfId: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  event: { id: string; source: string; sourceEventId: string | null; payload: unknown; receivedAt: Date };
  steps: { stepKey: string; kind: string; status: string; attempt: number; input: unknown; output: unknown; error: unknown; startedAt: Date; finishedAt: Date | null; durationMs: number | null }[];
}

export async function getRun(db: TenantDb, actor: Actor, params: { runId: string }): Promise<RunDetailDto> {
  const run = await db.run.findFirst({
    where: { id: params.runId, tenantId: actor.tenantId },
    select: {
      id: true,
      flowId: true,
      status: true,
      attempt: true,
      businessKey: true,
      error: true,
      replayOfId: true,
      nextAttemptAt: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      flow: { select: { name: true } },
      flowVersion: { select: { version: true } },
      event: { select: { id: true, source: true, sourceEventId: true, payload: true, receivedAt: true } },
      steps: {
        select: { stepKey: true, kind: true, status: true, attempt: true, input: true, output: true, error: true, startedAt: true, finishedAt: true, durationMs: true },
        orderBy: { startedAt: 'asc' },
      },
    },
  });
  if (!run) throw new AppError('RUN_NOT_FOUND', 'That run does not exist.');
  const { flow, flowVersion, error, ...rest } = run;
  return { ...rest, flowName: flow.name, version: flowVersion.version, error: (error as Record<string, unknown>) ?? null };
}
