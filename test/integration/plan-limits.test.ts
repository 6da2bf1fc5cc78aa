// Plan limits where they bite, on a real database and over real HTTP: one device over the plan is refused
// with a message naming the limit (through the portal and through provisioning by key, and with two
// creations racing for the last place); the gateway slows a free tenant down at its plan's 10 requests/s
// (bursts of 20) with 429 + Retry-After while a pro tenant's 50/s (bursts of 100) still passes; run
// retention deletes the finished runs older than each tenant's plan keeps, and nothing else.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeTenantPlan, deleteExpiredRuns } from '@conflux/core';
import { listDeviceQuotas } from '@conflux/core/ingest';
import { runRetentionTask } from '../../apps/worker/src/tasks/run-retention.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createLiveFlow, postWebhook, signUpTenant, startTestGateway, type LiveFlow, type TestGateway, type TestTenant } from '../support/platform-parts.ts';

const definition = { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [{ kind: 'map', key: 'copy', expression: 'trigger' }] };

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let gateway: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  gateway = await startTestGateway(db, { tenantRate: 'plan' });
});

afterAll(async () => {
  await gateway?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

/** Registers `count` devices straight in the table (their credentials do not matter here). */
async function seedDevices(tenantId: string, count: number) {
  await owner.query(
    `INSERT INTO device (tenant_id, name, username, password_hash)
     SELECT $1, 'Seeded ' || g, gen_random_uuid()::text, 'scrypt$x' FROM generate_series(1, $2) g`,
    [tenantId, count],
  );
}

/** Two workspaces, one on the free plan and one on pro, each with a live webhook flow. */
async function freeAndPro(label: string): Promise<{ free: TestTenant; pro: TestTenant; freeFlow: LiveFlow; proFlow: LiveFlow }> {
  const free = await signUpTenant(services, `Free ${label}`);
  const pro = await signUpTenant(services, `Pro ${label}`);
  await changeTenantPlan(db.system.db, { tenantId: pro.tenantId, planId: 'pro' });
  return { free, pro, freeFlow: await createLiveFlow(free, { name: `Free ${label}`, definition }), proFlow: await createLiveFlow(pro, { name: `Pro ${label}`, definition }) };
}

const deviceCount = async (tenantId: string) => (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM device WHERE tenant_id = $1', [tenantId])).rows[0]!.n;

describe('device limit', () => {
  it('refuses the device after the plan’s last one, through the portal and by provisioning key, and allows it on a bigger plan', async () => {
    const tenant = await signUpTenant(services, 'Full Fleet');
    await seedDevices(tenant.tenantId, 25);
    const refused = tenant.caller.devices.create({ name: 'One too many' });
    await expect(refused).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    await expect(refused).rejects.toThrow(
      'Your Free plan allows 25 devices and this workspace has 25. Delete a device you no longer use, or contact us to move to the Pro plan (500 devices).',
    );

    const { key } = await tenant.caller.devices.createProvisioningKey({ name: 'Line 1' });
    const response = await fetch(`${gateway.url}/devices/provision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ name: 'Provisioned one too many' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/Free plan allows 25 devices/);
    expect(await deviceCount(tenant.tenantId)).toBe(25);

    await changeTenantPlan(db.system.db, { tenantId: tenant.tenantId, planId: 'pro' });
    await expect(tenant.caller.devices.create({ name: 'Room to grow' })).resolves.toMatchObject({ device: { name: 'Room to grow' } });
    expect(await deviceCount(tenant.tenantId)).toBe(26);
  });

  it('lets only one of two concurrent creations take the last place', async () => {
    const tenant = await signUpTenant(services, 'Racing Fleet');
    await seedDevices(tenant.tenantId, 24);
    const results = await Promise.allSettled([tenant.caller.devices.create({ name: 'Racer A' }), tenant.caller.devices.create({ name: 'Racer B' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await deviceCount(tenant.tenantId)).toBe(25);
  });
});

describe('webhook rate by plan', () => {
  let senders: Awaited<ReturnType<typeof freeAndPro>>;
  beforeAll(async () => {
    senders = await freeAndPro('sender');
  });

  const flood = async (flow: LiveFlow, count: number) => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: count }, (_, i) => postWebhook(`${gateway.url}${flow.webhookPath}`, { id: `evt_${i}` }, { secret: flow.secret! })));
    return { results, seconds: (performance.now() - started) / 1000 };
  };

  it('answers a free tenant 429 with Retry-After beyond 10 requests/s (bursts of 20) while a pro tenant’s 60 pass', async () => {
    // Both at once: the free tenant's budget runs out while the pro tenant's (bursts of 100) holds.
    const [freeFlood, proFlood] = await Promise.all([flood(senders.freeFlow, 60), flood(senders.proFlow, 60)]);
    const accepted = freeFlood.results.filter((r) => r.status === 202).length;
    const limited = freeFlood.results.filter((r) => r.status === 429);
    expect(accepted + limited.length).toBe(60);
    // The burst of 20, plus at most what 10/s refilled while the requests were answered.
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(accepted).toBeLessThanOrEqual(20 + Math.ceil(freeFlood.seconds * 10));
    expect(limited.length).toBeGreaterThan(0);
    for (const refused of limited) {
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(String(refused.json.error)).toMatch(/Too many requests/);
    }
    expect(proFlood.results.map((r) => r.status)).toEqual(Array(60).fill(202));
  });
});

describe('run retention', () => {
  let free: TestTenant;
  let pro: TestTenant;
  let freeFlow: LiveFlow;
  let proFlow: LiveFlow;
  beforeAll(async () => {
    ({ free, pro, freeFlow, proFlow } = await freeAndPro('keeper'));
  });

  /** Inserts an event and its run as the gateway and worker would have left them, `ageDays` ago; returns the ids. */
  async function seedRun(tenant: TestTenant, flow: LiveFlow, params: { status: string; ageDays: number; eventId?: string; steps?: boolean }) {
    const eventId =
      params.eventId ??
      (
        await owner.query<{ id: string }>(
          `INSERT INTO event (tenant_id, flow_id, source, payload, received_at) VALUES ($1, $2, 'webhook', '{}', now() - make_interval(days => $3)) RETURNING id`,
          [tenant.tenantId, flow.flowId, params.ageDays],
        )
      ).rows[0]!.id;
    const finished = ['succeeded', 'failed', 'filtered', 'cancelled'].includes(params.status);
    const run = await owner.query<{ id: string }>(
      `INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, status, attempt, created_at, finished_at)
       SELECT $1, $2, v.id, $3, $4::run_status, $5, now() - make_interval(days => $6), $7::timestamptz
         FROM flow_version v WHERE v.flow_id = $2 ORDER BY v.version DESC LIMIT 1
       RETURNING id`,
      [tenant.tenantId, flow.flowId, eventId, params.status, finished ? 1 : 0, params.ageDays, finished ? new Date(Date.now() - params.ageDays * 86_400_000 + 2_000) : null],
    );
    const runId = run.rows[0]!.id;
    if (params.steps) {
      await owner.query(`INSERT INTO run_step (tenant_id, run_id, step_key, kind, status) VALUES ($1, $2, 'copy', 'map', 'succeeded')`, [tenant.tenantId, runId]);
    }
    return { runId, eventId };
  }

  const exists = async (table: 'run' | 'event' | 'run_step', column: string, id: string) =>
    (await owner.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [id])).rowCount === 1;

  /** Runs the worker's run-retention task as graphile-worker would, with a job payload. */
  const runTask = (payload: object) => runRetentionTask({ pool: db.system.pool, gate: db.gate })(payload, { logger: { info: () => undefined } } as never);

  it('deletes only the tenant’s finished runs older than its plan keeps, with their steps and unshared events', async () => {
    // Free keeps 7 days.
    const oldSucceeded = await seedRun(free, freeFlow, { status: 'succeeded', ageDays: 10, steps: true });
    const oldFailed = await seedRun(free, freeFlow, { status: 'failed', ageDays: 8 });
    const oldFiltered = await seedRun(free, freeFlow, { status: 'filtered', ageDays: 30 });
    const young = await seedRun(free, freeFlow, { status: 'succeeded', ageDays: 3, steps: true });
    const oldQueued = await seedRun(free, freeFlow, { status: 'queued', ageDays: 10 });
    const oldWaiting = await seedRun(free, freeFlow, { status: 'quota_exceeded', ageDays: 12 });
    // An old failed run replayed recently: the replay shares its event, which must stay.
    const replayed = await seedRun(free, freeFlow, { status: 'failed', ageDays: 9 });
    const replay = await seedRun(free, freeFlow, { status: 'succeeded', ageDays: 1, eventId: replayed.eventId });
    // Pro keeps 30 days: ten days is young there; another tenant's runs are not touched by this tenant's job.
    const proTen = await seedRun(pro, proFlow, { status: 'succeeded', ageDays: 10 });
    const proOld = await seedRun(pro, proFlow, { status: 'failed', ageDays: 40 });

    // In batches: a small batch deletes no more than it is asked to.
    const first = await db.gate.withTenant(free.tenantId, (tx) => deleteExpiredRuns(tx, { tenantId: free.tenantId, batchSize: 2 }));
    expect(first).toMatchObject({ retentionDays: 7, runs: 2 });

    await runTask({ tenantId: free.tenantId });
    for (const gone of [oldSucceeded, oldFailed, oldFiltered]) {
      expect(await exists('run', 'id', gone.runId)).toBe(false);
      expect(await exists('event', 'id', gone.eventId)).toBe(false);
    }
    expect(await exists('run_step', 'run_id', oldSucceeded.runId)).toBe(false);
    expect(await exists('run', 'id', replayed.runId)).toBe(false);
    expect(await exists('event', 'id', replayed.eventId)).toBe(true);
    for (const kept of [young, oldQueued, oldWaiting, replay]) expect(await exists('run', 'id', kept.runId)).toBe(true);
    expect(await exists('run_step', 'run_id', young.runId)).toBe(true);
    expect(await exists('run', 'id', proOld.runId)).toBe(true);

    // The hourly job (no tenant named) goes through every tenant, each with its own plan's retention.
    await runTask({});
    expect(await exists('run', 'id', proOld.runId)).toBe(false);
    expect(await exists('run', 'id', proTen.runId)).toBe(true);
    for (const kept of [young, oldQueued, oldWaiting, replay]) expect(await exists('run', 'id', kept.runId)).toBe(true);
  });
});

describe('device message rate', () => {
  it('follows the plan, unless the tenant’s device_quota sets its own', async () => {
    const tenant = await signUpTenant(services, 'Sensors Co');
    const rateOf = async () => (await listDeviceQuotas(db.system.db)).get(tenant.tenantId);
    // Tenants with nothing to send (no device, no quota row) are not listed at all.
    expect(await rateOf()).toBeUndefined();
    // A quota row that sets only a retention leaves the rate to the plan.
    await owner.query('INSERT INTO device_quota (tenant_id, retention_days) VALUES ($1, 3)', [tenant.tenantId]);
    expect(await rateOf()).toEqual({ messagesPerSecond: null, planRate: 100 });
    await changeTenantPlan(db.system.db, { tenantId: tenant.tenantId, planId: 'business' });
    expect(await rateOf()).toEqual({ messagesPerSecond: null, planRate: 5000 });
    await owner.query('UPDATE device_quota SET messages_per_second = 42 WHERE tenant_id = $1', [tenant.tenantId]);
    expect(await rateOf()).toEqual({ messagesPerSecond: 42, planRate: 5000 });
  });
});
