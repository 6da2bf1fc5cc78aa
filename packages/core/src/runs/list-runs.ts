import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';

/** A run in a list. */
export interface RunSummaryDto {
  id: string;
  flowId: string;
  flowName: string;
  status: string;
  attempt: number;
  businessKey: string | null;
  error: { stepKey?: string; code?: string; message?: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

/** Filters of listRuns. */
export interface ListRunsParams {
  flowId?: string;
  status?: ('queued' | 'running' | 'retrying' | 'quota_exceeded' | 'succeeded' | 'failed' | 'filtered' | 'cancelled')[];
  from?: Date;
  to?: Date;
  businessKey?: string;
  limit?: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
}

const encodeCursor = (c: { t: string; i: string }) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(cursor: string): { t: Date; i: string } {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: string; i: string };
    const t = new Date(c.t);
    if (Number.isNaN(t.getTime()) || typeof c.i !== 'string') throw new Error('bad');
    return { t, i: c.i };
  } catch {
    throw new AppError('INVALID_INPUT', 'The page cursor is not valid; start from the first page.');
  }
}

/** Runs newest first with keyset pagination on (created_at, id), which stays fast at any depth. */
export async function listRuns(db: TenantDb, actor: Actor, params: ListRunsParams): Promise<{ items: RunSummaryDto[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 200);
  const cursor = params.cursor ? decodeCursor(params.cursor) : null;
  if (params.flowId) {
    const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true } });
    if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  }
  const rows = await db.run.findMany({
    where: {
      tenantId: actor.tenantId,
      ...(params.flowId ? { flowId: params.flowId } : {}),
      ...(params.status?.length ? { status: { in: params.status } } : {}),
      ...(params.businessKey ? { businessKey: params.businessKey } : {}),
      ...(params.from || params.to ? { createdAt: { ...(params.from ? { gte: params.from } : {}), ...(params.to ? { lt: params.to } : {}) } } : {}),
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.t } }, { createdAt: cursor.t, id: { lt: cursor.i } }] } : {}),
    },
    select: { id: true, flowId: true, status: true, attempt: true, businessKey: true, error: true, createdAt: true, startedAt: true, finishedAt: true, flow: { select: { name: true } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    flowId: r.flowId,
    flowName: r.flow.name,
    status: r.status,
    attempt: r.attempt,
    businessKey: r.businessKey,
    error: (r.error as RunSummaryDto['error']) ?? null,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    durationMs: r.finishedAt ? r.finishedAt.getTime() - r.createdAt.getTime() : null,
  }));
  const last = rows[limit - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), i: last.id }) : null };
}
