/**
 * The /usage and /syncs screens' data through the API a browser calls: the plan, this month's runs against
 * the quota (a stale month counts as zero), runs waiting over it, concurrency, devices, the webhook rate,
 * retention and the plans to compare; sync flows with their latest pass and its run counts, a flow's
 * passes newest first, and "Sync now" queueing one job per flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { changeTenantPlan } from '@conflux/core';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createCaller } from './root.ts';
import type { Services } from './services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let ada: SignedInUser;
let bob: SignedInUser;
let adaTenant: string;

const webhookFlow = { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [{ kind: 'map', key: 'copy', expression: 'trigger' }] };

async function caller(user: SignedInUser) {
  return createCaller(await user.context());
}

/** A published, enabled flow of the user's workspace (its trigger does not matter to these screens). */
async function liveFlow(user: SignedInUser, name: string) {
  const c = await caller(user);
  const flow = await c.flows.create({ name, definition: webhookFlow });
  await c.flows.publish({ flowId: flow.id });
  await c.flows.setEnabled({ flowId: flow.id, enabled: true });
  return flow.id;
}

/** Runs of a flow in a status, straight into the table, optionally belonging to a sync pass. */
async function seedRuns(tenantId: string, flowId: string, count: number, status: string, syncId: string | null = null) {
  await owner.query(
    `WITH v AS (SELECT id FROM flow_version WHERE flow_id = $2 ORDER BY version DESC LIMIT 1),
          e AS (INSERT INTO event (tenant_id, flow_id, source, payload) SELECT $1, $2, 'sync', '{}'::jsonb FROM generate_series(1, $3) RETURNING id)
     INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, status, sync_id) SELECT $1, $2, v.id, e.id, $4::run_status, $5::uuid FROM e, v`,
    [tenantId, flowId, count, status, syncId],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  ada = await signUpAndSignIn(services, { name: 'Ada Usage', email: 'ada@usage.test', workspaceName: 'Ada Works' });
  bob = await signUpAndSignIn(services, { name: 'Bob Other', email: 'bob@other.test', workspaceName: 'Bob Works' });
  adaTenant = (await (await caller(ada)).tenant.get()).id;
});

afterAll(async () => {
  await owner?.end();
  await services?.close();
  await db?.close();
});

describe('usage.get', () => {
  it('shows a new workspace on the free plan with nothing used, and every plan to compare', async () => {
    const usage = await (await caller(bob)).usage.get();
    const now = new Date();
    expect(usage.plan).toMatchObject({ id: 'free', name: 'Free', runsPerMonth: 10_000, concurrentRuns: 5, webhookRps: 10, devices: 25, retentionDays: 7 });
    expect(usage.runs).toEqual({ used: 0, limit: 10_000, headroom: 10_000, percent: 0, waiting: 0, resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) });
    expect(usage.concurrentRuns).toEqual({ used: 0, limit: 5, headroom: 5, percent: 0 });
    expect(usage.devices).toEqual({ used: 0, limit: 25, headroom: 25, percent: 0 });
    expect(usage.webhookRate).toEqual({ perSecond: 10, burst: 20 });
    expect(usage.retentionDays).toEqual({ runs: 7, telemetry: 7 });
    expect(usage.plans.map((p) => [p.id, p.current])).toEqual([
      ['free', true],
      ['pro', false],
      ['business', false],
    ]);
  });

  it('counts this month’s runs with headroom and percentage, the runs waiting over the quota, running runs and devices', async () => {
    const flowId = await liveFlow(ada, 'Orders');
    await seedRuns(adaTenant, flowId, 3, 'quota_exceeded');
    await seedRuns(adaTenant, flowId, 4, 'running');
    await owner.query(`UPDATE tenant_account SET usage_month = date_trunc('month', now() AT TIME ZONE 'UTC')::date, runs_this_month = 8500 WHERE tenant_id = $1`, [adaTenant]);
    await (await caller(ada)).devices.create({ name: 'Meter one' });
    await owner.query(`INSERT INTO device_quota (tenant_id, retention_days) VALUES ($1, 2)`, [adaTenant]);

    const usage = await (await caller(ada)).usage.get();
    expect(usage.runs).toMatchObject({ used: 8500, limit: 10_000, headroom: 1500, percent: 85, waiting: 3 });
    expect(usage.concurrentRuns).toEqual({ used: 4, limit: 5, headroom: 1, percent: 80 });
    expect(usage.devices).toEqual({ used: 1, limit: 25, headroom: 24, percent: 4 });
    // A device quota's retention is the workspace's exception for telemetry; runs follow the plan.
    expect(usage.retentionDays).toEqual({ runs: 7, telemetry: 2 });
    // Another workspace's usage is its own.
    expect((await (await caller(bob)).usage.get()).runs).toMatchObject({ used: 0, waiting: 0 });
    // The waiting runs are one filter away in the runs list (the banner links there).
    const waiting = await (await caller(ada)).runs.list({ status: ['quota_exceeded'] });
    expect(waiting.items.map((r) => r.status)).toEqual(['quota_exceeded', 'quota_exceeded', 'quota_exceeded']);
  });

  it('counts zero runs when the stored count is from an earlier month (the dispatcher resets it at the next claim)', async () => {
    await owner.query(`UPDATE tenant_account SET usage_month = (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date, runs_this_month = 10000 WHERE tenant_id = $1`, [adaTenant]);
    expect((await (await caller(ada)).usage.get()).runs).toMatchObject({ used: 0, headroom: 10_000, percent: 0 });
  });

  it('follows a plan change: new limits, the current plan marked, and the waiting runs released', async () => {
    await changeTenantPlan(db.system.db, { tenantId: adaTenant, planId: 'pro' });
    const usage = await (await caller(ada)).usage.get();
    expect(usage.plan.id).toBe('pro');
    expect(usage.runs).toMatchObject({ limit: 250_000, waiting: 0 });
    expect(usage.webhookRate).toEqual({ perSecond: 50, burst: 100 });
    expect(usage.plans.filter((p) => p.current).map((p) => p.id)).toEqual(['pro']);
  });
});

describe('syncs', () => {
  let customers: string;
  let suppliers: string;
  let failedPass: string;
  let runningPass: string;

  beforeAll(async () => {
    customers = await liveFlow(ada, 'Customers to CRM');
    suppliers = await liveFlow(ada, 'Suppliers to ERP');
    for (const flowId of [customers, suppliers]) await owner.query(`INSERT INTO sync_state (flow_id, tenant_id) VALUES ($1, $2)`, [flowId, adaTenant]);
    // Customers: an older pass that succeeded, then one still reading (120 of ~400 read, 50 changed so far).
    await owner.query(
      `INSERT INTO sync (tenant_id, flow_id, status, records_seen, records_changed, started_at, finished_at) VALUES ($1, $2, 'succeeded', 400, 10, now() - interval '1 hour', now() - interval '59 minutes')`,
      [adaTenant, customers],
    );
    runningPass = (
      await owner.query<{ id: string }>(
        `INSERT INTO sync (tenant_id, flow_id, status, trigger_reason, records_seen, records_changed, total_estimate) VALUES ($1, $2, 'running', 'manual', 120, 50, 400) RETURNING id`,
        [adaTenant, customers],
      )
    ).rows[0]!.id;
    await owner.query(`UPDATE sync_state SET running_sync_id = $1 WHERE flow_id = $2`, [runningPass, customers]);
    await seedRuns(adaTenant, customers, 30, 'succeeded', runningPass);
    await seedRuns(adaTenant, customers, 2, 'failed', runningPass);
    await seedRuns(adaTenant, customers, 18, 'queued', runningPass);
    // Suppliers: a pass that failed with a readable error.
    failedPass = (
      await owner.query<{ id: string }>(
        `INSERT INTO sync (tenant_id, flow_id, status, records_seen, error, finished_at) VALUES ($1, $2, 'failed', 0, '{"code":"auth","message":"The database refused the login."}', now()) RETURNING id`,
        [adaTenant, suppliers],
      )
    ).rows[0]!.id;
  });

  it('lists the sync flows with their latest pass and its runs by outcome', async () => {
    const flows = await (await caller(ada)).syncs.list();
    const byName = new Map(flows.map((f) => [f.flowName, f]));
    expect(byName.get('Customers to CRM')).toMatchObject({
      enabled: true,
      running: true,
      lastSync: { id: runningPass, status: 'running', reason: 'manual', recordsSeen: 120, recordsChanged: 50, totalEstimate: 400, processed: 30, failed: 2, waiting: 18, error: null },
    });
    expect(byName.get('Suppliers to ERP')).toMatchObject({
      running: false,
      lastSync: { id: failedPass, status: 'failed', error: { code: 'auth', message: 'The database refused the login.' } },
    });
    expect(await (await caller(bob)).syncs.list()).toEqual([]);
  });

  it('lists a flow’s passes newest first, as many as asked for, and refuses another workspace’s flow', async () => {
    const c = await caller(ada);
    expect((await c.syncs.passes({ flowId: customers })).map((p) => p.status)).toEqual(['running', 'succeeded']);
    expect(await c.syncs.passes({ flowId: customers, limit: 1 })).toHaveLength(1);
    await expect((await caller(bob)).syncs.passes({ flowId: customers })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(c.syncs.passes({ flowId: customers, limit: 101 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('queues one pass per flow with "Sync now", and says why when the flow cannot sync', async () => {
    const c = await caller(ada);
    expect(await c.syncs.syncNow({ flowId: suppliers })).toEqual({ queued: true });
    expect(await c.syncs.syncNow({ flowId: suppliers })).toEqual({ queued: true });
    const jobs = await owner.query(
      `SELECT j.payload, j.key FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'sync-flow'`,
    );
    // The job key folds repeated clicks into one pass.
    expect(jobs.rows).toEqual([{ key: `sync:${suppliers}`, payload: { tenantId: adaTenant, flowId: suppliers, reason: 'manual' } }]);

    await c.flows.setEnabled({ flowId: suppliers, enabled: false });
    await expect(c.syncs.syncNow({ flowId: suppliers })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: 'Enable the flow before syncing it.' });
    await expect((await caller(bob)).syncs.syncNow({ flowId: customers })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shows the cursor and resets it once the pass has ended, never during one nor for another workspace', async () => {
    const c = await caller(ada);
    await owner.query(`UPDATE sync_state SET cursor = '{"value":"2026-03-01T10:00:00.000000Z","id":"812"}' WHERE flow_id = $1`, [customers]);
    await owner.query(`INSERT INTO sync_record (tenant_id, flow_id, record_key, digest) VALUES ($1, $2, '812', 'u:2026-03-01T10:00:00.000000Z')`, [adaTenant, customers]);
    const listed = (await c.syncs.list()).find((f) => f.flowId === customers)!;
    expect(listed.cursor).toBe('{"id":"812","value":"2026-03-01T10:00:00.000000Z"}');

    // A pass is reading: resetting now would be overwritten by its next page.
    await expect(c.syncs.resetCursor({ flowId: customers })).rejects.toMatchObject({ code: 'CONFLICT', message: 'A pass is running: reset the cursor once it has finished.' });
    await owner.query(`UPDATE sync_state SET running_sync_id = NULL WHERE flow_id = $1`, [customers]);
    await expect((await caller(bob)).syncs.resetCursor({ flowId: customers })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await c.syncs.resetCursor({ flowId: customers })).toEqual({ reset: true });
    expect((await c.syncs.list()).find((f) => f.flowId === customers)!.cursor).toBeNull();
    // Seen records are kept: unchanged ones start no run when read again.
    expect((await owner.query(`SELECT count(*)::int AS n FROM sync_record WHERE flow_id = $1`, [customers])).rows[0].n).toBe(1);
    const audit = await owner.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action = 'sync.cursor_reset'`, [adaTenant]);
    expect(audit.rows).toHaveLength(1);
  });
});
