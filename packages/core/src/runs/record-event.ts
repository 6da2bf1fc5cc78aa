import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import { assertPayloadSize } from './limits.ts';

/** Params of recordEvent. */
export interface RecordEventParams {
  tenantId: string;
  flowId: string;
  source: string;
  /** The provider's event id: the same id is stored once, whatever the sender's retries. */
  sourceEventId?: string | null;
  payload: unknown;
  /** The key that orders runs of a flow with `ordering: key` (a sync's record key); the business key otherwise. */
  orderKey?: string | null;
  /** The sync pass this event was read by. */
  syncId?: string | null;
}

/** The order key of a run: runs with the same key start one after another, in arrival order. */
export function orderKeyOf(definition: { ordering?: string }, flowId: string, key: string | null | undefined): string | null {
  if (definition.ordering === 'flow') return flowId;
  if (definition.ordering === 'key') return `${flowId}:${(key ?? '').slice(0, 200)}`;
  return null;
}

/** What recordEvent did. */
export interface RecordedEvent {
  eventId: string;
  runId: string;
  duplicate: boolean;
}

/** A flow as recording events needs it: its state and its published version. */
export interface FlowForEvents {
  id: string;
  enabled: boolean;
  publishedVersion: number | null;
  version: { id: string; version: number; definition: unknown } | null;
}

/** Loads a flow and its published version once, for callers that record several events or read the trigger first. */
export async function loadFlowForEvents(db: TenantDb, params: { tenantId: string; flowId: string }): Promise<FlowForEvents | null> {
  const flow = await db.flow.findFirst({
    where: { id: params.flowId, tenantId: params.tenantId },
    select: { id: true, enabled: true, publishedVersion: true, versions: { select: { id: true, version: true, definition: true }, orderBy: { version: 'desc' }, take: 1 } },
  });
  if (!flow) return null;
  let version: FlowForEvents['version'] = null;
  if (flow.publishedVersion) {
    // The newest version is almost always the published one; an older one (a rollback) costs one more read.
    version =
      flow.versions[0]?.version === flow.publishedVersion
        ? flow.versions[0]
        : await db.flowVersion.findUnique({ where: { flowId_version: { flowId: flow.id, version: flow.publishedVersion } }, select: { id: true, version: true, definition: true } });
  }
  return { id: flow.id, enabled: flow.enabled, publishedVersion: flow.publishedVersion, version };
}

/**
 * Stores an inbound event and creates its run, in the caller's transaction (the tenant gate's), so there
 * is never an event without a run; the run is queued by being inserted. The run uses the version
 * published when the event arrived.
 */
export async function recordEvent(
  db: TenantDb,
  params: RecordEventParams,
  deps: {
    businessKey?: (expression: string, payload: unknown) => Promise<string | null>;
    /** The flow as loadFlowForEvents read it in this transaction (saves reading it again per event). */
    flow?: FlowForEvents | null;
  } = {},
): Promise<RecordedEvent> {
  assertPayloadSize(params.payload);
  const flow = deps.flow === undefined ? await loadFlowForEvents(db, params) : deps.flow;
  if (flow && flow.id !== params.flowId) throw new Error('recordEvent: the preloaded flow is not the flow of the event');
  if (!flow) throw new AppError('FLOW_NOT_FOUND', 'That flow does not exist.');
  if (!flow.publishedVersion) throw new AppError('FLOW_NOT_PUBLISHED', 'This flow has no published version yet.');
  if (!flow.enabled) throw new AppError('FLOW_DISABLED', 'This flow is disabled: enable it to accept events.');
  const version = flow.version;
  if (!version) throw new AppError('VERSION_NOT_FOUND', 'The published version of this flow is missing.');

  const sourceEventId = params.sourceEventId ? String(params.sourceEventId).slice(0, 200) : null;
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO event (tenant_id, flow_id, source, source_event_id, payload)
    VALUES (${params.tenantId}::uuid, ${flow.id}::uuid, ${params.source}, ${sourceEventId}, ${JSON.stringify(params.payload ?? null)}::jsonb)
    ON CONFLICT (tenant_id, flow_id, source_event_id) WHERE source_event_id IS NOT NULL DO NOTHING
    RETURNING id`;
  if (!inserted[0]) {
    const existing = await db.event.findFirst({
      where: { tenantId: params.tenantId, flowId: flow.id, sourceEventId },
      select: { id: true, runs: { select: { id: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
    });
    return { eventId: existing!.id, runId: existing!.runs[0]!.id, duplicate: true };
  }
  const definition = version.definition as { businessKey?: string; ordering?: string };
  const businessKey = definition.businessKey && deps.businessKey ? await deps.businessKey(definition.businessKey, params.payload).catch(() => null) : null;
  // The run row is the queue entry: inserting it wakes the dispatcher (see the migrations).
  const run = await db.run.create({
    data: {
      tenantId: params.tenantId,
      flowId: flow.id,
      flowVersionId: version.id,
      eventId: inserted[0].id,
      businessKey: businessKey?.slice(0, 200) ?? null,
      orderKey: orderKeyOf(definition, flow.id, params.orderKey ?? businessKey),
      syncId: params.syncId ?? null,
    },
    select: { id: true },
  });
  return { eventId: inserted[0].id, runId: run.id, duplicate: false };
}
