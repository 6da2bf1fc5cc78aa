import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';

/** A published version in the history list. */
export interface FlowVersionDto {
  version: number;
  definition: unknown;
  createdAt: Date;
  createdById: string | null;
}

export async function listVersions(db: TenantDb, actor: Actor, params: { flowId: string }): Promise<FlowVersionDto[]> {
  const flow = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true } });
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  return db.flowVersion.findMany({
    where: { flowId: flow.id, tenantId: actor.tenantId },
    select: { version: true, definition: true, createdAt: true, createdById: true },
    orderBy: { version: 'desc' },
    take: 200,
  });
}
