/**
 * The dashboard's numbers through the API a browser calls: runs per day by outcome in the viewer's time
 * zone, the failure rate, the flows that failed most recently, and the counts behind "Get started" — on a
 * tenant with 100,000 runs, where the statistics must still answer well under a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createCaller } from './root.ts';
import type { Services } from './services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let busy: SignedInUser;
let quiet: SignedInUser;
const flows: { id: string; name: string }[] = [];

const definition = (connectionId: string) => ({
  trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
  steps: [{ kind: 'action', key: 'send', connector: 'http', action: 'request', connectionId, props: { method: 'POST', url: 'https://example.com/orders' } }],
});

async function caller(user: SignedInUser) {
  return createCaller(await user.context());
}

/** Inserts runs straight into the tables (as the gateway and worker would have): `count` runs of a flow. */
async function seedRuns(params: { tenantId: string; flowId: string; count: number; status: string; from: string; spanSeconds: number; error?: object }) {
  await owner.query(
    `WITH v AS (SELECT id FROM flow_version WHERE flow_id = $2 ORDER BY version DESC LIMIT 1),
          e AS (INSERT INTO event (tenant_id, flow_id, source, payload, received_at)
                SELECT $1, $2, 'webhook', '{}'::jsonb, $5::timestamptz + (g * $6::float / $3) * interval '1 second' FROM generate_series(1, $3) g
                RETURNING id, received_at)
     INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, status, attempt, error, created_at, finished_at)
     SELECT $1, $2, v.id, e.id, $4::run_status, 1, $7::jsonb, e.received_at, e.received_at + interval '2 seconds' FROM e, v`,
    [params.tenantId, params.flowId, params.count, params.status, params.from, params.spanSeconds, params.error ? JSON.stringify(params.error) : null],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  busy = await signUpAndSignIn(services, { name: 'Bea Busy', email: 'bea@busy.test', workspaceName: 'Busy' });
  quiet = await signUpAndSignIn(services, { name: 'Quinn Quiet', email: 'quinn@quiet.test', workspaceName: 'Quiet' });
  const c = await caller(busy);
  const connection = await c.connections.create({ connectorId: 'http', name: 'Orders API', authKind: 'bearer', credentials: { token: 'secret-token' } });
  for (const name of ['Orders to ERP', 'Invoices to Slack', 'Leads to CRM', 'Refunds', 'Nightly export', 'Draft only']) {
    const flow = await c.flows.create({ name, definition: definition(connection.id) });
    if (name !== 'Draft only') await c.flows.publish({ flowId: flow.id });
    flows.push({ id: flow.id, name });
  }
  const tenantId = (await c.tenant.get()).id;
  const [orders, invoices, leads, refunds, nightly] = flows;
  // 100,000 runs over the last 60 days, most of them older than the 7-day window.
  await seedRuns({ tenantId, flowId: orders!.id, count: 91_000, status: 'succeeded', from: `${isoDaysAgo(60)}`, spanSeconds: 52 * 86_400 });
  await seedRuns({ tenantId, flowId: orders!.id, count: 9_000, status: 'failed', from: `${isoDaysAgo(60)}`, spanSeconds: 52 * 86_400, error: { stepKey: 'send', message: 'old failure' } });
  // Inside the window: yesterday 30 succeeded, 10 failed (two flows), 5 filtered; today 4 queued, 1 failure of a third flow.
  await seedRuns({ tenantId, flowId: invoices!.id, count: 30, status: 'succeeded', from: startOfDayUtc(-1), spanSeconds: 3600 });
  await seedRuns({ tenantId, flowId: invoices!.id, count: 5, status: 'filtered', from: startOfDayUtc(-1), spanSeconds: 3600 });
  await seedRuns({ tenantId, flowId: invoices!.id, count: 6, status: 'failed', from: startOfDayUtc(-1), spanSeconds: 3600, error: { stepKey: 'send', message: 'POST https://example.com/orders answered 500 Internal Server Error' } });
  await seedRuns({ tenantId, flowId: leads!.id, count: 4, status: 'failed', from: startOfDayUtc(-1, 2), spanSeconds: 600, error: { stepKey: 'send', message: 'Leads went wrong' } });
  await seedRuns({ tenantId, flowId: refunds!.id, count: 4, status: 'queued', from: startOfDayUtc(0), spanSeconds: 60 });
  await seedRuns({ tenantId, flowId: nightly!.id, count: 1, status: 'failed', from: startOfDayUtc(0), spanSeconds: 1, error: { stepKey: 'send', message: 'Nightly export failed' } });
  await owner.query('ANALYZE run');
});

afterAll(async () => {
  await owner?.end();
  await services?.close();
  await db?.close();
});

function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

/** Midnight UTC of a day relative to today, plus some hours. */
function startOfDayUtc(offsetDays: number, plusHours = 0): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offsetDays, plusHours)).toISOString();
}

describe('tenant.runStats', () => {
  it('counts runs per day by outcome, with the failure rate of finished runs', async () => {
    const stats = await (await caller(busy)).tenant.runStats({ days: 7, timeZone: 'UTC' });
    expect(stats.series).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(stats.series.at(-1)).toMatchObject({ day: today, succeeded: 0, failed: 1, filtered: 0, other: 4, total: 5, failureRate: 1 });
    expect(stats.series.at(-2)).toMatchObject({ day: yesterday, succeeded: 30, failed: 10, filtered: 5, other: 0, total: 45 });
    expect(stats.series.at(-2)!.failureRate).toBeCloseTo(10 / 45);
    // The days before hold what the seeded old runs spilled into the window (if anything); all seven are listed.
    expect(new Set(stats.series.map((d) => d.day)).size).toBe(7);
    expect(stats.totals.total).toBe(stats.series.reduce((n, d) => n + d.total, 0));
  });

  it('lists the flows that failed most recently in the period, newest first, each with its last error', async () => {
    const c = await caller(busy);
    const week = await c.tenant.runStats({ days: 7, timeZone: 'UTC' });
    // Orders to ERP last failed more than a week ago: not news this week.
    expect(week.recentFailures.map((f) => f.flowName)).toEqual(['Nightly export', 'Leads to CRM', 'Invoices to Slack']);
    expect(week.recentFailures[0]).toMatchObject({ stepKey: 'send', message: 'Nightly export failed', failuresInPeriod: 1 });
    expect(week.recentFailures[2]).toMatchObject({ message: expect.stringContaining('answered 500'), failuresInPeriod: 6 });
    const quarter = await c.tenant.runStats({ days: 90, timeZone: 'UTC' });
    expect(quarter.recentFailures.map((f) => f.flowName)).toEqual(['Nightly export', 'Leads to CRM', 'Invoices to Slack', 'Orders to ERP']);
    expect(quarter.recentFailures[3]).toMatchObject({ message: 'old failure', failuresInPeriod: 9000 });
  });

  it('counts days in the viewer’s time zone', async () => {
    const c = await caller(busy);
    const tokyo = await c.tenant.runStats({ days: 3, timeZone: 'Asia/Tokyo' });
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    expect(tokyo.series).toHaveLength(3);
    expect(tokyo.series.at(-1)!.day).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date()));
    await expect(c.tenant.runStats({ days: 3, timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(c.tenant.runStats({ days: 91 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('stays fast over 100,000 runs: 90 days answer well under a second', async () => {
    const c = await caller(busy);
    await c.tenant.runStats({ days: 90 });
    const started = performance.now();
    const stats = await c.tenant.runStats({ days: 90 });
    const elapsed = performance.now() - started;
    expect(stats.totals.total).toBe(100_050);
    expect(elapsed).toBeLessThan(1000);
  });

  it('is empty for a tenant without runs, and never shows another tenant’s', async () => {
    const stats = await (await caller(quiet)).tenant.runStats({ days: 14 });
    expect(stats.series).toHaveLength(14);
    expect(stats.totals).toEqual({ total: 0, succeeded: 0, failed: 0, filtered: 0, other: 0, failureRate: null });
    expect(stats.recentFailures).toEqual([]);
  });
});

describe('tenant.dashboard', () => {
  it('counts connections and flows for the "Get started" steps', async () => {
    expect(await (await caller(busy)).tenant.dashboard()).toMatchObject({ connectionCount: 1, flowCount: 6, publishedFlowCount: 5 });
    expect(await (await caller(quiet)).tenant.dashboard()).toMatchObject({ connectionCount: 0, flowCount: 0, publishedFlowCount: 0 });
  });
});
