import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';

/** An event a flow received, as the mapping editor offers it as sample input. */
export interface RecentPayloadDto {
  eventId: string;
  source: string;
  sourceEventId: string | null;
  receivedAt: Date;
  payload: unknown;
}

/** Params of recentPayloads. */
export interface RecentPayloadsParams {
  flowId: string;
  /** How many events, newest first (default 5, at most 20). */
  limit?: number;
}

/** The last events a flow received, newest first, so a mapping can be previewed against real data. */
export async function recentPayloads(db: TenantDb, actor: Actor, params: RecentPayloadsParams): Promise<RecentPayloadDto[]> {
  const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true } });
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  const limit = Math.min(Math.max(params.limit ?? 5, 1), 20);
  return db.event.findMany({
    where: { tenantId: actor.tenantId, flowId: flow.id },
    select: { id: true, source: true, sourceEventId: true, receivedAt: true, payload: true },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: limit,
  }).then((rows) => rows.map(({ id, ...rest }) => ({ eventId: id, ...rest })));
}
