import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { flowSelect, toFlowDto, type FlowDto } from './flow-dto.ts';
import { assertOwnConnections, parseDefinition } from './validate-flow.ts';

/** Params of updateFlow: edits always go to the draft; the published version never changes. */
export interface UpdateFlowParams {
  flowId: string;
  name?: string;
  description?: string;
  definition?: unknown;
}

export async function updateFlow(db: TenantDb, actor: Actor, params: UpdateFlowParams): Promise<FlowDto> {
  const exists = await db.flow.findFirst({ where: { id: params.flowId, tenantId: actor.tenantId }, select: { id: true } });
  if (!exists) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  const draft = params.definition === undefined ? undefined : parseDefinition(params.definition);
  if (draft) await assertOwnConnections(db, { tenantId: actor.tenantId, definition: draft });
  const row = await db.flow.update({
    where: { id: exists.id },
    data: {
      ...(params.name !== undefined ? { name: params.name } : {}),
      ...(params.description !== undefined ? { description: params.description } : {}),
      ...(draft ? { draft: draft as object, draftUpdatedAt: new Date() } : {}),
    },
    select: flowSelect,
  });
  return toFlowDto(row);
}
