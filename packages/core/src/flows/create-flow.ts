import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import { flowSelect, toFlowDto, type FlowDto } from './flow-dto.ts';
import { assertOwnConnections, parseDefinition } from './validate-flow.ts';

/** Params of createFlow. */
export interface CreateFlowParams {
  name: string;
  description?: string;
  /** The first draft; a webhook trigger with no steps when omitted. */
  definition?: unknown;
}

/** A new flow starts as a disabled, unpublished draft. */
export const emptyDefinition = { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [] };

export async function createFlow(db: TenantDb, actor: Actor, params: CreateFlowParams): Promise<FlowDto> {
  const draft = parseDefinition(params.definition ?? emptyDefinition);
  await assertOwnConnections(db, { tenantId: actor.tenantId, definition: draft });
  const row = await db.flow.create({
    data: { tenantId: actor.tenantId, name: params.name, description: params.description ?? '', draft: draft as object },
    select: flowSelect,
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'flow.created', target: params.name });
  return toFlowDto(row);
}
