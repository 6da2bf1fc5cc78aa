/**
 * List pages stay fast on a big tenant: 200 flows and 100,000 runs (with their events) seeded with SQL,
 * then the portal's own procedures timed as the browser calls them — the first page of runs, a deep page
 * through the keyset cursor, status filters, a business-key search, a flow's runs, the bulk-replay count,
 * the flows list and a flow's recent payloads — each well under a second after one warm-up. A second
 * tenant with its own runs checks that the gate's filter does not slow anyone down either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createCaller } from '../../apps/portal/src/server/root.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from '../../apps/portal/src/server/testing.ts';

const FLOWS = 200;
const RUNS = 100_000;
const BUDGET_MS = 500;

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let user: SignedInUser;
let tenantId: string;
let flowIds: string[];

async function caller() {
  return createCaller(await user.context());
}

/** Runs `fn` once to warm caches and the plan, then times a second call. */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  await fn();
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  if (process.env.SCALE_TIMINGS) console.info(`${expect.getState().currentTestName}: ${ms.toFixed(1)} ms`);
  return { ms, value };
}

/** The runs list's cursor for the run at a given position (the list's own encoding: created_at and id). */
async function cursorAt(offset: number, where = 'TRUE'): Promise<string> {
  const { rows } = await owner.query(
    `SELECT created_at, id FROM run WHERE tenant_id = $1 AND ${where} ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
    [tenantId, offset],
  );
  const row = rows[0] as { created_at: Date; id: string };
  return Buffer.from(JSON.stringify({ t: row.created_at.toISOString(), i: row.id })).toString('base64url');
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  user = await signUpAndSignIn(services, { name: 'Scale Owner', email: 'scale@big.test', workspaceName: 'Big Tenant' });
  tenantId = (await (await caller()).tenant.get()).id;
  const other = await signUpAndSignIn(services, { name: 'Other', email: 'other@small.test', workspaceName: 'Small Tenant' });
  const otherTenant = (await createCaller(await other.context()).tenant.get()).id;

  const definition = JSON.stringify({
    trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
    steps: [{ kind: 'map', key: 'toOrder', expression: '{ "id": trigger.id }' }],
    businessKey: 'trigger.id',
  });
  const seed = async (tenant: string, flows: number, runs: number) => {
    await owner.query('BEGIN');
    await owner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
    await owner.query(
      `INSERT INTO flow (tenant_id, name, description, enabled, draft, published_version, created_at, updated_at)
       SELECT $1, 'Flow ' || lpad(g::text, 3, '0'), 'Seeded flow', g % 5 <> 0, $2::jsonb, 1, now() - (g || ' hours')::interval, now() - (g || ' minutes')::interval
       FROM generate_series(1, $3) g`,
      [tenant, definition, flows],
    );
    await owner.query(`INSERT INTO flow_version (tenant_id, flow_id, version, definition) SELECT tenant_id, id, 1, draft FROM flow WHERE tenant_id = $1`, [tenant]);
    // One event per run, spread over 30 days and over the flows; statuses in realistic proportions.
    await owner.query(
      `WITH flows AS (SELECT f.id AS flow_id, v.id AS version_id, row_number() OVER (ORDER BY f.id) - 1 AS n FROM flow f JOIN flow_version v ON v.flow_id = f.id WHERE f.tenant_id = $1),
            ev AS (
              INSERT INTO event (tenant_id, flow_id, source, source_event_id, payload, received_at)
              SELECT $1, fl.flow_id, 'webhook', 'evt-' || g, jsonb_build_object('id', 'ord-' || g, 'total', g % 1000), now() - (g * interval '25 seconds')
              FROM generate_series(1, $2) g JOIN flows fl ON fl.n = g % $3
              RETURNING id, flow_id, source_event_id, received_at
            )
       INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, status, attempt, error, business_key, created_at, started_at, finished_at)
       SELECT $1, ev.flow_id, fl.version_id, ev.id,
              (CASE WHEN g % 10 = 3 THEN 'failed' WHEN g % 50 = 7 THEN 'filtered' WHEN g % 200 = 11 THEN 'retrying' ELSE 'succeeded' END)::run_status,
              CASE WHEN g % 10 = 3 THEN 8 ELSE 1 END,
              CASE WHEN g % 10 = 3 THEN jsonb_build_object('stepKey', 'send', 'code', 'CONNECTOR_RETRYABLE', 'message', 'POST https://erp.example/orders answered 503') END,
              'ord-' || g, ev.received_at, ev.received_at, ev.received_at + (g % 900) * interval '1 millisecond'
       FROM ev JOIN flows fl ON fl.flow_id = ev.flow_id
       CROSS JOIN LATERAL (SELECT substring(ev.source_event_id from 5)::int AS g) x`,
      [tenant, runs, flows],
    );
    await owner.query('COMMIT');
  };
  await seed(tenantId, FLOWS, RUNS);
  await seed(otherTenant, 5, 5_000);
  await owner.query('ANALYZE flow; ANALYZE flow_version; ANALYZE event; ANALYZE run');
  const { rows } = await owner.query(`SELECT id FROM flow WHERE tenant_id = $1 ORDER BY name`, [tenantId]);
  flowIds = rows.map((r: { id: string }) => r.id);
}, 180_000);

afterAll(async () => {
  await owner?.end();
  await services?.close();
  await db?.close();
});

describe(`lists over ${FLOWS} flows and ${RUNS.toLocaleString('en')} runs`, () => {
  it('has the seeded data', async () => {
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM run WHERE tenant_id = $1`, [tenantId]);
    expect(rows[0].n).toBe(RUNS);
    expect(flowIds).toHaveLength(FLOWS);
  });

  it('runs.list: the first page', async () => {
    const { ms, value } = await timed(async () => (await caller()).runs.list({ limit: 50 }));
    expect(value.items).toHaveLength(50);
    expect(value.nextCursor).toBeTruthy();
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('runs.list: a deep page through the cursor (90,000 runs in)', async () => {
    const cursor = await cursorAt(90_000);
    const { ms, value } = await timed(async () => (await caller()).runs.list({ limit: 50, cursor }));
    expect(value.items).toHaveLength(50);
    const { rows } = await owner.query(`SELECT id FROM run WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC OFFSET 90001 LIMIT 1`, [tenantId]);
    expect(value.items[0]!.id).toBe(rows[0].id);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('runs.list: a status filter, first page and deep', async () => {
    const first = await timed(async () => (await caller()).runs.list({ status: ['failed'], limit: 50 }));
    expect(first.value.items.every((r) => r.status === 'failed')).toBe(true);
    expect(first.value.items).toHaveLength(50);
    expect(first.ms).toBeLessThan(BUDGET_MS);

    const cursor = await cursorAt(8_000, `status = 'failed'`);
    const deep = await timed(async () => (await caller()).runs.list({ status: ['failed'], limit: 50, cursor }));
    expect(deep.value.items).toHaveLength(50);
    expect(deep.ms).toBeLessThan(BUDGET_MS);

    const rare = await timed(async () => (await caller()).runs.list({ status: ['retrying', 'filtered'], limit: 50 }));
    expect(rare.value.items.every((r) => r.status === 'retrying' || r.status === 'filtered')).toBe(true);
    expect(rare.ms).toBeLessThan(BUDGET_MS);
  });

  it('runs.list: a business-key search', async () => {
    const { ms, value } = await timed(async () => (await caller()).runs.list({ businessKey: 'ord-54321' }));
    expect(value.items.map((r) => r.businessKey)).toEqual(['ord-54321']);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('runs.list: one flow, a time range, and the two together with a status', async () => {
    const flowId = flowIds[17]!;
    const byFlow = await timed(async () => (await caller()).runs.list({ flowId, limit: 50 }));
    expect(byFlow.value.items.every((r) => r.flowId === flowId)).toBe(true);
    expect(byFlow.ms).toBeLessThan(BUDGET_MS);

    const from = new Date(Date.now() - 7 * 86_400_000);
    const combined = await timed(async () => (await caller()).runs.list({ flowId, from, status: ['failed'], limit: 50 }));
    expect(combined.value.items.every((r) => r.flowId === flowId && r.status === 'failed' && r.createdAt >= from)).toBe(true);
    expect(combined.ms).toBeLessThan(BUDGET_MS);
  });

  it('runs.bulkReplayPreview counts the failed runs quickly', async () => {
    const { ms, value } = await timed(async () => (await caller()).runs.bulkReplayPreview({}));
    expect(value.failed).toBe(RUNS / 10);
    expect(value.willReplay).toBe(500);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('flows.list: the first page and a search', async () => {
    const first = await timed(async () => (await caller()).flows.list({ limit: 50 }));
    expect(first.value.items).toHaveLength(50);
    expect(first.value.nextCursor).toBeTruthy();
    expect(first.ms).toBeLessThan(BUDGET_MS);

    const all = await timed(async () => (await caller()).flows.list({ limit: 200 }));
    expect(all.value.items).toHaveLength(200);
    expect(all.ms).toBeLessThan(BUDGET_MS);

    const search = await timed(async () => (await caller()).flows.list({ search: 'flow 15' }));
    expect(search.value.items.map((f) => f.name).sort()).toEqual(['Flow 150', 'Flow 151', 'Flow 152', 'Flow 153', 'Flow 154', 'Flow 155', 'Flow 156', 'Flow 157', 'Flow 158', 'Flow 159']);
    expect(search.ms).toBeLessThan(BUDGET_MS);
  });

  it('flows.recentPayloads: a flow’s last events', async () => {
    const { ms, value } = await timed(async () => (await caller()).flows.recentPayloads({ flowId: flowIds[42]!, limit: 5 }));
    expect(value).toHaveLength(5);
    expect(value[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(value[4]!.receivedAt.getTime());
    expect(ms).toBeLessThan(BUDGET_MS);
  });
});
