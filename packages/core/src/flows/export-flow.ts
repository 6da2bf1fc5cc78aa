import type { TenantDb } from '@conflux/db';
import { allSteps, type FlowDefinition } from '@conflux/engine';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { parseDefinition } from './validate-flow.ts';

/** The portable form of a flow: connections become references (connector + name), never ids or secrets. */
export const flowExportSchema = z.strictObject({
  format: z.literal('conflux.flow/v1'),
  name: z.string().min(1).max(120),
  description: z.string().max(2000).default(''),
  definition: z.unknown(),
  connections: z.array(z.strictObject({ ref: z.string().min(1).max(60), connectorId: z.string().min(1).max(40), name: z.string().max(100) })).max(100),
  /** Which step uses which connection reference. */
  stepConnections: z.record(z.string(), z.string()).default({}),
});
/** An exported flow document. */
export type FlowExport = z.infer<typeof flowExportSchema>;

/** Exports the published version (or the draft when nothing is published yet). */
export async function exportFlow(db: TenantDb, actor: Actor, params: { flowId: string; source?: 'published' | 'draft' }): Promise<FlowExport> {
  const flow = await db.flow.findFirst({
    where: { id: params.flowId, tenantId: actor.tenantId },
    select: { name: true, description: true, draft: true, publishedVersion: true, id: true },
  });
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  let raw: unknown = flow.draft;
  if (params.source !== 'draft' && flow.publishedVersion) {
    const v = await db.flowVersion.findUnique({ where: { flowId_version: { flowId: flow.id, version: flow.publishedVersion } }, select: { definition: true } });
    raw = v?.definition ?? flow.draft;
  }
  const definition: FlowDefinition = structuredClone(parseDefinition(raw));
  const ids = new Set<string>();
  for (const step of allSteps(definition.steps)) if (step.kind === 'action' && step.connectionId) ids.add(step.connectionId);
  if (definition.trigger.connectionId) ids.add(definition.trigger.connectionId);
  const rows = ids.size ? await db.connection.findMany({ where: { tenantId: actor.tenantId, id: { in: [...ids] } }, select: { id: true, name: true, connectorId: true } }) : [];
  const refOf = new Map(rows.map((r, i) => [r.id, `connection${i + 1}`]));
  const stepConnections: Record<string, string> = {};
  for (const step of allSteps(definition.steps)) {
    if (step.kind === 'action' && step.connectionId) {
      const ref = refOf.get(step.connectionId);
      if (ref) stepConnections[step.key] = ref;
      step.connectionId = null;
    }
  }
  if (definition.trigger.connectionId) {
    const ref = refOf.get(definition.trigger.connectionId);
    if (ref) stepConnections['$trigger'] = ref;
    definition.trigger.connectionId = null;
  }
  return {
    format: 'conflux.flow/v1',
    name: flow.name,
    description: flow.description,
    definition,
    connections: rows.map((r) => ({ ref: refOf.get(r.id)!, connectorId: r.connectorId, name: r.name })),
    stepConnections,
  };
}
