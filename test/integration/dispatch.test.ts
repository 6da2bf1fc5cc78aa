// The run dispatcher on a real database with real workers: a tenant's concurrent runs never exceed its
// plan's cap across worker processes; a tenant with one run is served promptly while another has a deep
// backlog; a flow that asks for ordering runs its events one after another in arrival order; over the
// monthly quota, runs wait as quota_exceeded (owners mailed once) and start when the plan grows.
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { changeTenantPlan, recordEvent } from '@conflux/core';
import type { RunningWorker } from '../../apps/worker/src/worker.ts';
import { startDispatcher } from '../../apps/worker/src/dispatcher.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startHttpServer, type TestServer } from '../support/http-server.ts';
import { createLiveFlow, signUpTenant, startTestWorker, waitFor, type LiveFlow, type TestTenant } from '../support/platform-parts.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let target: TestServer;
const workers: RunningWorker[] = [];

// The target answers after a pause and records, per tenant, how many of its calls were in flight at once.
const delayMs = { value: 60 };
const inFlight = new Map<string, number>();
const peak = new Map<string, number>();
const arrivals: { tenant: string; seq: number; at: number }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  target = await startHttpServer(async (request) => {
    const body = JSON.parse(request.body) as { tenant: string; seq: number };
    const now = (inFlight.get(body.tenant) ?? 0) + 1;
    inFlight.set(body.tenant, now);
    peak.set(body.tenant, Math.max(peak.get(body.tenant) ?? 0, now));
    arrivals.push({ tenant: body.tenant, seq: body.seq, at: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, delayMs.value));
    inFlight.set(body.tenant, (inFlight.get(body.tenant) ?? 1) - 1);
    return { status: 200, body: { ok: true } };
  });
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

afterAll(async () => {
  await target?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

async function tenantWithFlow(name: string, options: { ordering?: 'flow' | 'key' } = {}): Promise<{ tenant: TestTenant; flow: LiveFlow }> {
  const tenant = await signUpTenant(services, name);
  const connection = await tenant.caller.connections.create({ connectorId: 'http', name: 'Target', authKind: 'none', credentials: {} });
  const flow = await createLiveFlow(tenant, {
    name: `${name} flow`,
    definition: {
      trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
      steps: [
        {
          kind: 'action',
          key: 'deliver',
          connector: 'http',
          action: 'request',
          connectionId: connection.id,
          props: { method: 'POST', url: `${target.url}/deliver`, body: { expr: 'trigger' } },
        },
      ],
      ...(options.ordering ? { ordering: options.ordering } : {}),
    },
  });
  return { tenant, flow };
}

/** Records `count` events for the flow straight into the queue (as the gateway would), in one transaction. */
async function queueEvents(tenant: TestTenant, flow: LiveFlow, count: number, label: string): Promise<string[]> {
  return services.gate.withTenant(tenant.tenantId, async (tx) => {
    const ids: string[] = [];
    for (let seq = 0; seq < count; seq++) {
      const recorded = await recordEvent(tx, { tenantId: tenant.tenantId, flowId: flow.flowId, source: 'webhook', payload: { tenant: label, seq } });
      ids.push(recorded.runId);
    }
    return ids;
  });
}

async function statusCounts(tenantId: string): Promise<Record<string, number>> {
  const { rows } = await owner.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM run WHERE tenant_id = $1 GROUP BY status`, [tenantId]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

async function setPlan(tenantId: string, planId: string) {
  await owner.query(`UPDATE tenant_account SET plan_id = $2 WHERE tenant_id = $1`, [tenantId, planId]);
}

describe('fair dispatch', () => {
  it('never runs more of a tenant’s runs at once than its plan allows, across two worker processes', { timeout: 60_000 }, async () => {
    const { tenant, flow } = await tenantWithFlow('Capped');
    await owner.query(`INSERT INTO plan (id, name, position, runs_per_month, concurrent_runs, webhook_rps, devices, retention_days, weight) VALUES ('cap3', 'Cap 3', 90, 100000, 3, 10, 10, 7, 1)`);
    await setPlan(tenant.tenantId, 'cap3');
    await queueEvents(tenant, flow, 24, 'capped');
    workers.push(await startTestWorker(db, {}, { WORKER_CONCURRENCY: '8' }), await startTestWorker(db, {}, { WORKER_CONCURRENCY: '8' }));
    await waitFor(async () => (await statusCounts(tenant.tenantId)).succeeded === 24, { timeoutMs: 40_000, what: 'the 24 runs to succeed' });
    expect(peak.get('capped')).toBe(3);
    const account = await db.system.db.tenantAccount.findUnique({ where: { tenantId: tenant.tenantId } });
    expect(account).toMatchObject({ runsThisMonth: 24 });
  });

  it('starts a quiet tenant’s run promptly while another tenant has a deep backlog', { timeout: 60_000 }, async () => {
    const flooder = await tenantWithFlow('Flooder');
    const quiet = await tenantWithFlow('Quiet');
    await setPlan(flooder.tenant.tenantId, 'business');
    await queueEvents(flooder.tenant, flooder.flow, 400, 'flooder');
    workers.push(await startTestWorker(db, {}, { WORKER_CONCURRENCY: '4' }));
    await waitFor(async () => ((await statusCounts(flooder.tenant.tenantId)).succeeded ?? 0) >= 20, { timeoutMs: 20_000, what: 'the flood to be under way' });

    const sentAt = Date.now();
    const [quietRun] = await queueEvents(quiet.tenant, quiet.flow, 1, 'quiet');
    await waitFor(async () => (await db.system.db.run.findUnique({ where: { id: quietRun! } }))?.status === 'succeeded', { timeoutMs: 10_000, what: 'the quiet run' });
    const started = (await db.system.db.run.findUnique({ where: { id: quietRun! } }))!.startedAt!.getTime();
    // One run of the flooder takes ~60 ms: the quiet run waits for a free slot, not behind 300+ runs.
    expect(started - sentAt).toBeLessThan(1_500);
    const flood = await statusCounts(flooder.tenant.tenantId);
    expect(flood.queued ?? 0).toBeGreaterThan(200);
  });

  it('runs an ordered flow’s events one at a time, in arrival order', { timeout: 60_000 }, async () => {
    const { tenant, flow } = await tenantWithFlow('Ordered', { ordering: 'flow' });
    await queueEvents(tenant, flow, 12, 'ordered');
    workers.push(await startTestWorker(db, {}, { WORKER_CONCURRENCY: '6' }));
    await waitFor(async () => (await statusCounts(tenant.tenantId)).succeeded === 12, { timeoutMs: 30_000, what: 'the ordered runs' });
    expect(arrivals.filter((a) => a.tenant === 'ordered').map((a) => a.seq)).toEqual([...Array(12).keys()]);
    expect(peak.get('ordered')).toBe(1);
  });
});

describe('monthly quota', () => {
  it('parks runs over the quota as quota_exceeded, mails the owner once, and starts them when the plan grows', { timeout: 60_000 }, async () => {
    const { tenant, flow } = await tenantWithFlow('Thrifty');
    await owner.query(`INSERT INTO plan (id, name, position, runs_per_month, concurrent_runs, webhook_rps, devices, retention_days, weight) VALUES ('tiny', 'Tiny', 91, 3, 2, 10, 10, 7, 1)`);
    await setPlan(tenant.tenantId, 'tiny');
    await queueEvents(tenant, flow, 5, 'thrifty');
    workers.push(await startTestWorker(db, {}, { WORKER_CONCURRENCY: '4' }));
    await waitFor(async () => {
      const counts = await statusCounts(tenant.tenantId);
      return counts.succeeded === 3 && counts.quota_exceeded === 2;
    }, { timeoutMs: 20_000, what: '3 runs to succeed and 2 to wait over the quota' });

    // Events keep being recorded: a sixth one waits too.
    await queueEvents(tenant, flow, 1, 'thrifty');
    await waitFor(async () => (await statusCounts(tenant.tenantId)).quota_exceeded === 3, { timeoutMs: 10_000, what: 'the sixth run to wait' });

    // The owner was mailed once, with a link to the usage page.
    const mails = await waitFor(async () => {
      const { rows } = await owner.query<{ payload: { to: string; subject: string; text: string } }>(
        `SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'send-email'`,
      );
      const mine = rows.filter((r) => r.payload.subject.startsWith('Thrifty'));
      return mine.length ? mine : null;
    }, { timeoutMs: 10_000, what: 'the quota mail' });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.payload.subject).toBe('Thrifty reached its monthly run quota');
    expect(mails[0]!.payload.text).toContain('/usage');

    const { released } = await changeTenantPlan(db.system.db, { tenantId: tenant.tenantId, planId: 'pro' });
    expect(released).toBe(3);
    await waitFor(async () => (await statusCounts(tenant.tenantId)).succeeded === 6, { timeoutMs: 20_000, what: 'the released runs to succeed' });
  });
});

describe('the dispatcher’s notification connection', () => {
  it('listens again when its connection drops: new runs start without waiting for the poll', async () => {
    const { tenant, flow } = await tenantWithFlow('Relisten');
    const pool = new pg.Pool({ connectionString: db.systemUrl, max: 4 });
    const claimed: string[] = [];
    // The poll is ten minutes away: only a notification can start these runs in time.
    const dispatcher = await startDispatcher({ pool, concurrency: 4, execute: async (run) => void claimed.push(run.runId), log: pino({ level: 'silent' }), pollMs: 600_000 });
    try {
      const [first] = await queueEvents(tenant, flow, 1, 'relisten');
      await waitFor(() => claimed.includes(first!), { timeoutMs: 5_000, what: 'the first run, through the notification' });

      const { rowCount } = await owner.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN conflux_runs' AND usename = 'conflux_system' AND datname = current_database()`);
      expect(rowCount).toBe(1);
      await waitFor(async () => (await owner.query(`SELECT 1 FROM pg_stat_activity WHERE query = 'LISTEN conflux_runs' AND datname = current_database()`)).rowCount === 1, { timeoutMs: 5_000, what: 'a new LISTEN connection' });

      const [second] = await queueEvents(tenant, flow, 1, 'relisten');
      await waitFor(() => claimed.includes(second!), { timeoutMs: 5_000, what: 'the second run, after the connection dropped' });
    } finally {
      await dispatcher.stop();
      await pool.end();
    }
  });
});
