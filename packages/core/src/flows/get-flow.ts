import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { flowSelect, toFlowDto, type FlowDto } from './flow-dto.ts';

export async function getFlow(db: TenantDb, actor: Actor, params: { flowId: string }): Promise<FlowDto> {
  const row = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: flowSelect });
  if (!row) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  return toFlowDto(row);
}
