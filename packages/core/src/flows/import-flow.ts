import type { TenantDb } from '@conflux/db';
import { allSteps } from '@conflux/engine';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { createFlow } from './create-flow.ts';
import { flowExportSchema } from './export-flow.ts';
import type { FlowDto } from './flow-dto.ts';
import { parseDefinition } from './validate-flow.ts';

/** Params of importFlow: the document, and which of this tenant's connections stands for each reference. */
export interface ImportFlowParams {
  document: unknown;
  connections?: Record<string, string>;
  name?: string;
}

/**
 * Imports an exported flow as a new draft. References mapped to a connection of this tenant (of the
 * same connector) are filled in; the others stay empty and are listed, so the user picks or creates one.
 */
export async function importFlow(db: TenantDb, actor: Actor, params: ImportFlowParams): Promise<{ flow: FlowDto; unresolved: { ref: string; connectorId: string; name: string }[] }> {
  const parsed = flowExportSchema.safeParse(params.document);
  if (!parsed.success) throw new AppError('FLOW_INVALID', `This is not a Conflux flow export: ${z.prettifyError(parsed.error)}`);
  const doc = parsed.data;
  const definition = structuredClone(parseDefinition(doc.definition));
  const wanted = Object.values(params.connections ?? {});
  const own = wanted.length
    ? await db.connection.findMany({ where: { tenantId: actor.tenantId, id: { in: wanted } }, select: { id: true, connectorId: true } })
    : [];
  const ownById = new Map(own.map((c) => [c.id, c.connectorId]));
  const resolved = new Map<string, string>();
  for (const ref of doc.connections) {
    const id = params.connections?.[ref.ref];
    if (!id) continue;
    const connectorId = ownById.get(id);
    if (!connectorId) throw new AppError('CONNECTION_NOT_FOUND', `The connection chosen for “${ref.name}” does not exist in this workspace.`);
    if (connectorId !== ref.connectorId) throw new AppError('INVALID_INPUT', `“${ref.name}” needs a ${ref.connectorId} connection, not ${connectorId}.`);
    resolved.set(ref.ref, id);
  }
  for (const step of allSteps(definition.steps)) {
    if (step.kind !== 'action') continue;
    const ref = doc.stepConnections[step.key];
    step.connectionId = ref ? (resolved.get(ref) ?? null) : null;
  }
  const triggerRef = doc.stepConnections['$trigger'];
  definition.trigger.connectionId = triggerRef ? (resolved.get(triggerRef) ?? null) : null;
  const flow = await createFlow(db, actor, { name: params.name ?? doc.name, description: doc.description, definition });
  return { flow, unresolved: doc.connections.filter((c) => !resolved.has(c.ref)) };
}
