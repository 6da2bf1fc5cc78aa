/**
 * Bulk replay and recent payloads through the portal's API on a real database: the failed runs matching the
 * filter resume from their failed step (succeeded steps kept, errors cleared, back in the queue), other
 * statuses and other flows are left alone, a call takes at most 500 runs, and the builder's sample
 * payloads are the flow's last events, newest first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { recordEvent } from '@conflux/core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { queuedRuns } from '../support/platform-parts.ts';
import { createCaller } from '../../apps/portal/src/server/root.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from '../../apps/portal/src/server/testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let user: SignedInUser;
let tenantId: string;

const definition = {
  trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
  steps: [
    { kind: 'map', key: 'order', expression: '{ "id": trigger.id }' },
    { kind: 'map', key: 'send', expression: 'steps.order' },
  ],
};

async function caller() {
  return createCaller(await user.context());
}

async function liveFlow(name: string) {
  const flow = await (await caller()).flows.create({ name, definition });
  await (await caller()).flows.publish({ flowId: flow.id });
  await (await caller()).flows.setEnabled({ flowId: flow.id, enabled: true });
  return flow.id;
}

/** An event and its run, then marked failed at `send` after `order` succeeded (as the worker leaves it). */
async function failedRun(flowId: string, id: string): Promise<string> {
  const { runId } = await services.gate.withTenant(tenantId, (tx) => recordEvent(tx, { tenantId, flowId, source: 'webhook', payload: { id } }));
  await owner.query(`UPDATE run SET status = 'failed', attempt = 8, finished_at = now(), error = '{"stepKey":"send","message":"answered 503"}' WHERE id = $1`, [runId]);
  await owner.query(
    `INSERT INTO run_step (tenant_id, run_id, step_key, kind, status, output) VALUES ($1, $2, 'order', 'map', 'succeeded', '{"id":1}'), ($1, $2, 'send', 'map', 'failed', NULL)`,
    [tenantId, runId],
  );
  return runId;
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  user = await signUpAndSignIn(services, { name: 'Rita Replay', email: 'rita@replay.test', workspaceName: 'Replay Co' });
  tenantId = (await (await caller()).tenant.get()).id;
});

afterAll(async () => {
  await owner?.end();
  await services?.close();
  await db?.close();
});

describe('runs.bulkReplay', () => {
  it('resumes the failed runs of the filter from their failed step, and only those', async () => {
    const orders = await liveFlow('Orders');
    const other = await liveFlow('Other');
    const a = await failedRun(orders, 'a');
    const b = await failedRun(orders, 'b');
    const elsewhere = await failedRun(other, 'c');
    const { runId: succeeded } = await services.gate.withTenant(tenantId, (tx) => recordEvent(tx, { tenantId, flowId: orders, source: 'webhook', payload: { id: 'd' } }));
    await owner.query(`UPDATE run SET status = 'succeeded' WHERE id = $1`, [succeeded]);

    expect(await (await caller()).runs.bulkReplayPreview({ flowId: orders })).toEqual({ failed: 2, willReplay: 2 });
    expect(await (await caller()).runs.bulkReplay({ flowId: orders })).toEqual({ replayed: 2, remaining: 0 });

    const { rows } = await owner.query(`SELECT id, status, attempt, error FROM run WHERE id = ANY($1) ORDER BY id`, [[a, b, elsewhere, succeeded]]);
    const byId = new Map(rows.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(a)).toMatchObject({ status: 'queued', attempt: 0, error: null });
    expect(byId.get(b)).toMatchObject({ status: 'queued', attempt: 0, error: null });
    expect(byId.get(elsewhere)).toMatchObject({ status: 'failed' });
    expect(byId.get(succeeded)).toMatchObject({ status: 'succeeded' });
    const steps = await owner.query(`SELECT run_id, step_key, status FROM run_step WHERE run_id = ANY($1) ORDER BY run_id, step_key`, [[a, b]]);
    expect(steps.rows.map((s: { step_key: string; status: string }) => `${s.step_key}:${s.status}`)).toEqual(['order:succeeded', 'order:succeeded']);
    expect((await queuedRuns(db)).map((j) => j.runId).sort()).toEqual([a, b].sort());
    const audit = await owner.query(`SELECT data FROM audit_log WHERE tenant_id = $1 AND action = 'run.bulk_replayed'`, [tenantId]);
    expect(audit.rows).toEqual([{ data: { count: 2 } }]);
  });

  it('takes at most 500 runs a call, oldest first, and says how many remain', async () => {
    const flowId = await liveFlow('Many');
    const first = await failedRun(flowId, 'first');
    // 520 more failed runs of the same event, newer than the first.
    await owner.query(
      `INSERT INTO run (tenant_id, flow_id, flow_version_id, event_id, status, created_at)
       SELECT tenant_id, flow_id, flow_version_id, event_id, 'failed', created_at + g * interval '1 second' FROM run, generate_series(1, 520) g WHERE id = $1`,
      [first],
    );
    expect(await (await caller()).runs.bulkReplayPreview({ flowId })).toEqual({ failed: 521, willReplay: 500 });
    expect(await (await caller()).runs.bulkReplay({ flowId })).toEqual({ replayed: 500, remaining: 21 });
    const { rows } = await owner.query(`SELECT status FROM run WHERE id = $1`, [first]);
    expect(rows[0].status).toBe('queued');
    expect(await (await caller()).runs.bulkReplay({ flowId })).toEqual({ replayed: 21, remaining: 0 });
    expect(await (await caller()).runs.bulkReplay({ flowId })).toEqual({ replayed: 0, remaining: 0 });
  });
});

describe('flows.recentPayloads', () => {
  it('gives the flow’s last events, newest first, within the limit', async () => {
    const flowId = await liveFlow('Samples');
    for (const id of ['one', 'two', 'three']) {
      await services.gate.withTenant(tenantId, (tx) => recordEvent(tx, { tenantId, flowId, source: 'webhook', sourceEventId: `evt-${id}`, payload: { id } }));
    }
    const recent = await (await caller()).flows.recentPayloads({ flowId, limit: 2 });
    expect(recent.map((e) => e.payload)).toEqual([{ id: 'three' }, { id: 'two' }]);
    expect(recent[0]).toMatchObject({ source: 'webhook', sourceEventId: 'evt-three' });
    expect(await (await caller()).flows.recentPayloads({ flowId: (await liveFlow('Quiet')) })).toEqual([]);
  });
});
