import crypto from 'node:crypto';
import type { TenantDb, TenantGate } from '@conflux/db';
import type { ConnectorLogger, PolledRecord, PollingTriggerDefinition, PollPage } from '@conflux/connector-sdk';
import { classifyError, type FlowDefinition } from '@conflux/engine';
import type { ConnectorCatalog } from '../connections/catalog.ts';
import type { Keyring } from '../connections/keyring.ts';
import { connectionCredentials } from '../connections/connection-credentials.ts';
import { loadFlowForEvents, orderKeyOf, type FlowForEvents } from '../runs/record-event.ts';
import { MAX_EVENT_BYTES } from '../runs/limits.ts';

/** What a sync pass needs from the worker. */
export interface SyncDeps {
  gate: TenantGate;
  catalog: ConnectorCatalog;
  keyring: Keyring;
  evaluate(expression: string, input: unknown): Promise<unknown>;
  /** The guarded fetch for the trigger's calls. */
  fetchFor(params: { hosts: string[]; connectionKey: string }): typeof fetch;
  /** Resolves a host to an address the egress policy allows (for connectors with their own sockets). */
  resolveHost(host: string): Promise<string>;
  log: ConnectorLogger;
  /** The worker running this pass, and whether another worker (holding an earlier pass) still beats. */
  workerId: string;
  workerAlive(workerId: string): Promise<boolean>;
  /** The operator allows private addresses (EGRESS_ALLOW is set); never a tenant's setting. */
  allowPrivateNetwork?: boolean;
  /** Records asked for per poll (default 500). */
  pageSize?: number;
  /** How long one poll may take (default 60 s). */
  pollTimeoutMs?: number;
}

/** How a sync pass ended. */
export type SyncOutcome =
  | { status: 'succeeded' | 'failed'; syncId: string; pages: number; seen: number; changed: number; error?: string }
  | { status: 'skipped'; reason: 'running' | 'not_a_sync' | 'disabled' };

/** A pass stops after this many pages, so a source whose cursor never ends cannot hold a worker forever. */
const MAX_PAGES_PER_PASS = 10_000;
/** A pass whose worker still beats but which wrote nothing for this long is considered hung. */
const HUNG_AFTER_MS = 15 * 60_000;

/**
 * One pass of a sync flow: polls its trigger page by page from the stored cursor and, per page, in ONE
 * transaction, stores the page's new and changed records as events with their runs, remembers each
 * record's digest, and advances the cursor. A crash anywhere therefore repeats no record (the page's
 * cursor moved with its events) and loses none (a page not committed is read again). Unchanged records
 * (same digest) start nothing. One pass per flow at a time: a pass that finds another one running on a
 * live worker is skipped.
 */
export async function runSyncPass(job: { tenantId: string; flowId: string; reason: string }, deps: SyncDeps): Promise<SyncOutcome> {
  const { gate, tenantId } = { gate: deps.gate, tenantId: job.tenantId };
  const flow = await gate.withTenant(tenantId, (db) => loadFlowForEvents(db, { tenantId, flowId: job.flowId }));
  if (!flow?.enabled || !flow.version) return { status: 'skipped', reason: 'disabled' };
  const definition = flow.version.definition as FlowDefinition;
  const connector = deps.catalog.get(definition.trigger.connector);
  const trigger = connector?.triggers[definition.trigger.trigger];
  if (!connector || trigger?.type !== 'polling') return { status: 'skipped', reason: 'not_a_sync' };

  const start = await gate.withTenant(tenantId, (db) => beginPass(db, { tenantId, flowId: flow.id, reason: job.reason, workerId: deps.workerId }, deps));
  if (!start) return { status: 'skipped', reason: 'running' };
  const { syncId } = start;
  let cursor = start.cursor;
  const totals = { pages: 0, seen: 0, changed: 0 };

  try {
    const parsedProps = trigger.props.safeParse(definition.trigger.props);
    if (!parsedProps.success) throw new SyncError(`The trigger's settings are invalid: ${parsedProps.error.issues.map((i) => i.message).join('; ')}`);
    const context = await pollContextBase(deps, { tenantId, connectionId: definition.trigger.connectionId ?? null, connector });
    for (;;) {
      if (totals.pages >= MAX_PAGES_PER_PASS) throw new SyncError(`The source returned more than ${MAX_PAGES_PER_PASS} pages in one pass; the next pass continues from here.`);
      const page = await pollOnce(trigger, { ...context, props: parsedProps.data, cursor, pageSize: deps.pageSize ?? 500 }, deps.pollTimeoutMs ?? 60_000);
      if (page.hasMore && sameJson(page.cursor, cursor)) throw new SyncError('The source said there is more but returned the same cursor again: the sync stopped so as not to loop.');
      const changed = await gate.withTenant(tenantId, (db) =>
        storePage(db, { tenantId, flow, definition, syncId, dedupe: trigger.dedupe, page }),
      );
      totals.pages++;
      totals.seen += page.records.length;
      totals.changed += changed;
      cursor = page.cursor ?? null;
      if (!page.hasMore) break;
    }
    await gate.withTenant(tenantId, (db) => finishPass(db, { flowId: flow.id, syncId, status: 'succeeded' }));
    return { status: 'succeeded', syncId, ...totals };
  } catch (error) {
    const classified = error instanceof SyncError ? { code: 'SYNC_INVALID', message: error.message, disposition: 'fail' } : classifyError(error);
    deps.log.warn(`sync of flow ${flow.id} failed: ${classified.message}`, { tenantId, syncId });
    const connectionId = definition.trigger.connectionId;
    await gate.withTenant(tenantId, async (db) => {
      await finishPass(db, { flowId: flow.id, syncId, status: 'failed', error: { code: classified.code, message: classified.message } });
      // Refused credentials: the connection needs a reconnect, as when a run's step is refused.
      if (classified.disposition === 'reconnect' && connectionId) {
        await db.connection.updateMany({ where: { id: connectionId, tenantId }, data: { status: 'needs_reconnect', statusReason: classified.message.slice(0, 500) } });
      }
    });
    return { status: 'failed', syncId, ...totals, error: classified.message };
  }
}

/** A problem with what the source or the flow's settings gave, worded for the tenant. */
class SyncError extends Error {}

async function beginPass(
  db: TenantDb,
  params: { tenantId: string; flowId: string; reason: string; workerId: string },
  deps: Pick<SyncDeps, 'workerAlive'>,
): Promise<{ syncId: string; cursor: unknown } | null> {
  await db.$executeRaw`INSERT INTO sync_state (flow_id, tenant_id) VALUES (${params.flowId}::uuid, ${params.tenantId}::uuid) ON CONFLICT DO NOTHING`;
  // The state row is locked until this transaction ends: two passes starting at once see each other.
  const [state] = await db.$queryRaw<{ cursor: unknown; running_sync_id: string | null; worker_id: string | null; heartbeat_at: Date | null }[]>`
    SELECT s.cursor, s.running_sync_id, y.worker_id, y.heartbeat_at
      FROM sync_state s LEFT JOIN sync y ON y.id = s.running_sync_id AND y.status = 'running'
     WHERE s.flow_id = ${params.flowId}::uuid FOR UPDATE OF s`;
  if (state?.running_sync_id && state.heartbeat_at) {
    const hung = Date.now() - state.heartbeat_at.getTime() > HUNG_AFTER_MS;
    if (!hung && state.worker_id && (await deps.workerAlive(state.worker_id))) {
      await db.$executeRaw`UPDATE sync_state SET skipped_ticks = skipped_ticks + 1 WHERE flow_id = ${params.flowId}::uuid`;
      return null;
    }
    // Its worker is gone (or it hung): this pass takes over from the last stored page.
    await db.$executeRaw`
      UPDATE sync SET status = 'failed', finished_at = now(),
             error = ${JSON.stringify({ code: 'SYNC_INTERRUPTED', message: 'The worker running this pass stopped; the next pass went on from the last stored page.' })}::jsonb
       WHERE id = ${state.running_sync_id}::uuid AND status = 'running'`;
  }
  const [sync] = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO sync (tenant_id, flow_id, trigger_reason, worker_id)
    VALUES (${params.tenantId}::uuid, ${params.flowId}::uuid, ${params.reason}, ${params.workerId}) RETURNING id`;
  await db.$executeRaw`UPDATE sync_state SET running_sync_id = ${sync!.id}::uuid, updated_at = now() WHERE flow_id = ${params.flowId}::uuid`;
  return { syncId: sync!.id, cursor: state?.cursor ?? null };
}

async function finishPass(db: TenantDb, params: { flowId: string; syncId: string; status: 'succeeded' | 'failed'; error?: object }) {
  await db.$executeRaw`
    UPDATE sync SET status = ${params.status}::sync_status, finished_at = now(), heartbeat_at = now(),
           error = ${params.error ? JSON.stringify(params.error) : null}::jsonb
     WHERE id = ${params.syncId}::uuid AND status = 'running'`;
  await db.$executeRaw`UPDATE sync_state SET running_sync_id = NULL, updated_at = now() WHERE flow_id = ${params.flowId}::uuid AND running_sync_id = ${params.syncId}::uuid`;
}

type PollBase = Omit<Parameters<PollingTriggerDefinition['poll']>[0], 'props' | 'cursor' | 'pageSize' | 'signal'>;

/** Credentials (refreshed when they are OAuth tokens), the guarded fetch and the platform services of a poll. */
async function pollContextBase(
  deps: SyncDeps,
  params: { tenantId: string; connectionId: string | null; connector: NonNullable<ReturnType<ConnectorCatalog['get']>> },
): Promise<PollBase> {
  const { connector, connectionId, tenantId } = params;
  const { auth, connection, fetch } = await connectionCredentials(deps.gate, {
    tenantId,
    connectionId,
    connector,
    keyring: deps.keyring,
    fetchFor: deps.fetchFor,
    allowPrivateNetwork: deps.allowPrivateNetwork === true,
  });
  return {
    auth,
    connection,
    fetch,
    resolveHost: deps.resolveHost,
    evaluate: deps.evaluate,
    log: deps.log,
  };
}

/** One poll with a time limit, its answer checked: a malformed page fails the pass with a clear message. */
async function pollOnce(trigger: PollingTriggerDefinition, context: Omit<Parameters<PollingTriggerDefinition['poll']>[0], 'signal'>, timeoutMs: number): Promise<PollPage> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The poll took too long', 'TimeoutError')), timeoutMs);
  try {
    const page = await trigger.poll({ ...context, signal: controller.signal });
    if (!page || !Array.isArray(page.records)) throw new SyncError('The trigger returned no list of records.');
    for (const record of page.records) {
      if (typeof record?.id !== 'string' || record.id.length === 0 || record.id.length > 500) {
        throw new SyncError('A record came without an id (or with one longer than 500 characters).');
      }
    }
    return page;
  } finally {
    clearTimeout(timer);
  }
}

/** A record's content digest: its updated-at (dedupe by updated-at) or a hash of its data with keys sorted. */
export function recordDigest(record: PolledRecord, dedupe: 'id' | 'updated_at'): string {
  if (dedupe === 'updated_at' && record.updatedAt) return `u:${record.updatedAt}`;
  return `h:${crypto.createHash('sha256').update(stableJson(record.data)).digest('base64url')}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a ?? null) === stableJson(b ?? null);
}

/**
 * Stores one page: the new and changed records as events and runs (in one statement), their digests,
 * the cursor and the pass's progress — all in the caller's transaction. Returns how many records changed.
 */
async function storePage(
  db: TenantDb,
  params: { tenantId: string; flow: FlowForEvents; definition: FlowDefinition; syncId: string; dedupe: 'id' | 'updated_at'; page: PollPage },
): Promise<number> {
  const { tenantId, flow, syncId, page } = params;
  // The same record twice in a page: its last state counts.
  const byKey = new Map<string, PolledRecord>();
  for (const record of page.records) byKey.set(record.id, record);
  const keys = [...byKey.keys()];
  const known = keys.length
    ? await db.$queryRaw<{ record_key: string; digest: string }[]>`
        SELECT record_key, digest FROM sync_record WHERE flow_id = ${flow.id}::uuid AND record_key = ANY(${keys}::text[])`
    : [];
  const digests = new Map(known.map((r) => [r.record_key, r.digest]));

  const changed: { key: string; digest: string; payload: string; sourceId: string; orderKey: string | null }[] = [];
  // Sync flows keep arrival order per record unless the flow says otherwise: two changes of one record never race.
  const ordering = { ordering: params.definition.ordering ?? 'key' };
  for (const [key, record] of byKey) {
    const digest = recordDigest(record, params.dedupe);
    const before = digests.get(key);
    if (before === digest) continue;
    const payload = JSON.stringify({ id: key, change: before === undefined ? 'created' : 'updated', updatedAt: record.updatedAt ?? null, data: record.data ?? null });
    if (Buffer.byteLength(payload) > MAX_EVENT_BYTES) throw new SyncError(`Record ${key.slice(0, 100)} is larger than ${MAX_EVENT_BYTES / 1_000_000} MB.`);
    const sourceId = crypto.createHash('sha256').update(`${syncId}\0${key}\0${digest}`).digest('base64url');
    changed.push({ key, digest, payload, sourceId, orderKey: orderKeyOf(ordering, flow.id, key) });
  }

  if (changed.length) {
    await db.$queryRawUnsafe(
      `WITH input AS (
         SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS u(record_key, source_event_id, payload, order_key)
       ), ev AS (
         INSERT INTO event (tenant_id, flow_id, source, source_event_id, payload)
         SELECT $1::uuid, $2::uuid, 'sync', i.source_event_id, i.payload::jsonb FROM input i
         ON CONFLICT (tenant_id, flow_id, source_event_id) WHERE source_event_id IS NOT NULL DO NOTHING
         RETURNING id, source_event_id
       )
       INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, business_key, order_key, sync_id)
       SELECT $1::uuid, $2::uuid, $3::uuid, ev.id, left(i.record_key, 200), i.order_key, $8::uuid
         FROM ev JOIN input i USING (source_event_id)`,
      tenantId,
      flow.id,
      flow.version!.id,
      changed.map((c) => c.key),
      changed.map((c) => c.sourceId),
      changed.map((c) => c.payload),
      changed.map((c) => c.orderKey),
      syncId,
    );
    await db.$executeRaw`
      INSERT INTO sync_record (tenant_id, flow_id, record_key, digest)
      SELECT ${tenantId}::uuid, ${flow.id}::uuid, k, d FROM unnest(${changed.map((c) => c.key)}::text[], ${changed.map((c) => c.digest)}::text[]) AS u(k, d)
      ON CONFLICT (flow_id, record_key) DO UPDATE SET digest = excluded.digest, seen_at = now()`;
  }
  const total = typeof page.total === 'number' && Number.isFinite(page.total) && page.total >= 0 ? Math.min(Math.round(page.total), 2_147_483_647) : null;
  await db.$executeRaw`UPDATE sync_state SET cursor = ${JSON.stringify(page.cursor ?? null)}::jsonb, updated_at = now() WHERE flow_id = ${flow.id}::uuid`;
  await db.$executeRaw`
    UPDATE sync SET pages = pages + 1, records_seen = records_seen + ${page.records.length}, records_changed = records_changed + ${changed.length},
           total_estimate = coalesce(${total}::int, total_estimate), heartbeat_at = now()
     WHERE id = ${syncId}::uuid`;
  return changed.length;
}
