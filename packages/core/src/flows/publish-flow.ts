import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { writeAudit } from '../tenants/audit.ts';
import type { ConnectorCatalog } from '../connections/catalog.ts';
import type { Keyring } from '../connections/keyring.ts';
import { flowIssues, parseDefinition } from './validate-flow.ts';
import { ensureWebhookEndpoint } from './webhook-endpoint.ts';
import { stableJson } from './flow-dto.ts';
import { firesOnSchedule, planSchedule } from './schedule.ts';

/** What a trigger reads from: its connector, trigger, connection and settings (not its schedule). */
function sourceOf(definition: { trigger: { connector: string; trigger: string; connectionId?: string | null; props?: unknown } }): string {
  const { connector, trigger, connectionId, props } = definition.trigger;
  return stableJson({ connector, trigger, connectionId: connectionId ?? null, props: props ?? {} });
}

/** Publishes the draft as a new immutable version; events arriving from now on run it. */
export async function publishFlow(
  db: TenantDb,
  actor: Actor,
  params: { flowId: string },
  deps: { catalog: ConnectorCatalog; keyring: Keyring },
): Promise<{ version: number; unchanged: boolean }> {
  // Lock the flow row: two publishes at once must not both pick the same version number.
  const locked = await db.$queryRaw<{ id: string; draft: unknown; published_version: number | null }[]>`
    SELECT id, draft, published_version FROM flow WHERE id = ${params.flowId}::uuid AND tenant_id = ${actor.tenantId}::uuid FOR UPDATE`;
  const flow = locked[0];
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  const definition = parseDefinition(flow.draft);
  const issues = await flowIssues(db, { tenantId: actor.tenantId, definition, catalog: deps.catalog });
  if (issues.length) {
    throw new AppError('FLOW_INVALID', `Fix ${issues.length === 1 ? 'this problem' : `these ${issues.length} problems`} before publishing: ${issues[0]!.message} (${issues[0]!.path})`, { issues });
  }
  let previousSource: string | null = null;
  if (flow.published_version) {
    const current = await db.flowVersion.findUnique({ where: { flowId_version: { flowId: flow.id, version: flow.published_version } }, select: { definition: true } });
    if (current && stableJson(current.definition) === stableJson(definition)) return { version: flow.published_version, unchanged: true };
    previousSource = current ? sourceOf(current.definition as typeof definition) : null;
  }
  // A sync flow that now reads another source (connector, connection or trigger settings changed): its
  // cursor and the records it remembers belong to the old source, so the next pass starts afresh.
  if (previousSource !== null && previousSource !== sourceOf(definition)) {
    await db.$executeRaw`UPDATE sync_state SET cursor = NULL, updated_at = now() WHERE flow_id = ${flow.id}::uuid`;
    await db.$executeRaw`DELETE FROM sync_record WHERE flow_id = ${flow.id}::uuid`;
  }
  const last = await db.flowVersion.findFirst({ where: { flowId: flow.id }, select: { version: true }, orderBy: { version: 'desc' } });
  const version = (last?.version ?? 0) + 1;
  await db.flowVersion.create({ data: { tenantId: actor.tenantId, flowId: flow.id, version, definition: definition as object, createdById: actor.userId } });
  await db.flow.update({ where: { id: flow.id }, data: { publishedVersion: version } });
  // Any webhook-type trigger (the generic one, or a provider's) gets its public endpoint.
  const triggerType = deps.catalog.get(definition.trigger.connector)?.triggers[definition.trigger.trigger]?.type;
  if (triggerType === 'webhook') await ensureWebhookEndpoint(db, { tenantId: actor.tenantId, flowId: flow.id, keyring: deps.keyring });
  if (firesOnSchedule(definition)) await planSchedule(db, { tenantId: actor.tenantId, flowId: flow.id });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'flow.published', target: flow.id, data: { version } });
  return { version, unchanged: false };
}
