// Failures of the outbound call, on the real worker: 5xx answers are retried with exponential backoff
// (observed at the target, within the policy's bands) until they succeed or the attempts run out; a 4xx
// dead-letters the run at once with a readable reason; replays resume the failed step or start again from
// the trigger on the latest published version, always with the original run's idempotency keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../apps/worker/src/worker.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  createLiveFlow,
  postWebhook,
  queuedRuns,
  runIdsOf,
  signUpTenant,
  startRecordingTarget,
  startTestGateway,
  startTestWorker,
  waitForRun,
  type LiveFlow,
  type RecordingTarget,
  type TestGateway,
  type TestTenant,
} from '../support/platform-parts.ts';

// Small enough to watch: attempt n+1 comes base·2^(n-1) after attempt n, jittered into the upper half.
const retry = { maxAttempts: 3, baseMs: 1_000, capMs: 10_000 };
// How late a retry may start after its due time: the runner's 1 s poll plus scheduling on a busy machine.
const LATENESS_MS = 2_500;

let db: TestDatabase;
let services: Services;
let gateway: TestGateway;
let worker: RunningWorker;
let target: RecordingTarget;
let tenant: TestTenant;
let flow: LiveFlow;
let connectionId: string;

const definition = (extra: { headers?: Record<string, string> } = {}) => ({
  trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
  steps: [
    { kind: 'map', key: 'invoice', expression: '{ "invoiceId": trigger.id, "amount": trigger.amount }' },
    {
      kind: 'action',
      key: 'deliver',
      connector: 'http',
      action: 'request',
      connectionId,
      props: { method: 'POST', url: `${target.url}/invoices`, body: { expr: 'steps.invoice' }, ...(extra.headers ? { headers: extra.headers } : {}) },
    },
  ],
});

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  target = await startRecordingTarget();
  gateway = await startTestGateway(db);
  worker = await startTestWorker(db, { retry });
  tenant = await signUpTenant(services, 'Retry Ltd');
  connectionId = (await tenant.caller.connections.create({ connectorId: 'http', name: 'Billing API', authKind: 'bearer', credentials: { token: 'tok_billing' } })).id;
  flow = await createLiveFlow(tenant, { name: 'Invoices out', definition: definition() });
});

afterAll(async () => {
  await worker?.stop();
  await gateway?.close();
  await target?.close();
  await services?.close();
  await db?.close();
});

async function send(event: { id: string; amount: number }): Promise<string> {
  const accepted = await postWebhook(`${gateway.url}${flow.webhookPath}`, event, { secret: flow.secret! });
  expect(accepted.status).toBe(202);
  return runIdsOf(accepted)[0]!;
}

async function noJobFor(runId: string): Promise<void> {
  expect((await queuedRuns(db)).filter((j) => j.runId === runId)).toEqual([]);
}

describe('retries', () => {
  it('retries 503s with backoff and succeeds on the third attempt, applying the effect once', { timeout: 30_000 }, async () => {
    target.failNext(2, 503, { error: 'maintenance' });
    const runId = await send({ id: 'inv_1', amount: 990 });
    const run = await waitForRun(tenant, runId, { timeoutMs: 20_000 });

    expect(run.status).toBe('succeeded');
    expect(run.attempt).toBe(3);
    // A run that ended well shows no error, although its first attempts failed.
    expect(run.error).toBeNull();
    expect(run.steps.map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
      ['invoice', 'succeeded', 1],
      ['deliver', 'succeeded', 3],
    ]);

    const calls = target.withKey(`${runId}:deliver`);
    expect(calls.map((c) => c.outcome)).toEqual([503, 503, 'applied']);
    expect(target.effects.filter((e) => e.key === `${runId}:deliver`)).toHaveLength(1);

    // Gaps between attempts fall in the backoff bands: never before half the nominal delay, and not much after it.
    const gaps = [calls[1]!.at - calls[0]!.at, calls[2]!.at - calls[1]!.at];
    const nominal = [retry.baseMs, retry.baseMs * 2];
    gaps.forEach((gap, i) => {
      expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(nominal[i]! / 2);
      expect(gap, `gap ${i + 1}`).toBeLessThanOrEqual(nominal[i]! + LATENESS_MS);
    });
    await noJobFor(runId);
  });

  it('gives up after the policy’s attempts and dead-letters the run', { timeout: 30_000 }, async () => {
    target.failNext(3, 502, { error: 'bad gateway' });
    const runId = await send({ id: 'inv_2', amount: 10 });
    const run = await waitForRun(tenant, runId, { timeoutMs: 20_000 });
    expect(run.status).toBe('failed');
    expect(run.attempt).toBe(3);
    expect(run.error).toMatchObject({ stepKey: 'deliver', disposition: 'retry', code: 'CONNECTOR_RETRYABLE' });
    expect(String(run.error!.message)).toMatch(/answered 502.*\(gave up after 3 attempts\)$/);
    expect(target.withKey(`${runId}:deliver`).map((c) => c.outcome)).toEqual([502, 502, 502]);
    await noJobFor(runId);
  });
});

describe('dead letter and replay', () => {
  it('fails a 400 at once, then replays from the failed step and from the trigger with the original keys', { timeout: 40_000 }, async () => {
    target.failNext(1, 400, { error: 'amount must be positive' });
    const runId = await send({ id: 'inv_3', amount: 4200 });
    const key = `${runId}:deliver`;

    const failed = await waitForRun(tenant, runId);
    expect(failed.status).toBe('failed');
    expect(failed.attempt).toBe(1);
    expect(failed.error).toMatchObject({ stepKey: 'deliver', disposition: 'fail', code: 'CONNECTOR_PERMANENT' });
    // Readable: which call, which status, what the server said.
    expect(failed.error!.message).toBe(`POST ${target.url}/invoices answered 400 Bad Request: {"error":"amount must be positive"}`);
    expect(failed.steps.map((s) => [s.stepKey, s.status])).toEqual([
      ['invoice', 'succeeded'],
      ['deliver', 'failed'],
    ]);
    expect(failed.steps[1]!.error).toMatchObject({ code: 'CONNECTOR_PERMANENT', details: { status: 400 } });
    // No retry is pending: a permanent failure is not retried.
    await noJobFor(runId);
    expect(target.withKey(key).map((c) => c.outcome)).toEqual([400]);
    const listed = await tenant.caller.runs.list({ status: ['failed'] });
    expect(listed.items.find((r) => r.id === runId)?.error).toMatchObject({ stepKey: 'deliver', code: 'CONNECTOR_PERMANENT' });

    // The target is fixed (it no longer refuses); resume the same run at the failed step.
    expect(await tenant.caller.runs.replayPreview({ runId, from: 'failed_step' })).toEqual({ from: 'failed_step', version: 1, rerun: ['deliver'], kept: ['invoice'] });
    expect(await tenant.caller.runs.replay({ runId, from: 'failed_step' })).toEqual({ runId });
    const resumed = await waitForRun(tenant, runId);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.error).toBeNull();
    expect(resumed.steps.map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
      ['invoice', 'succeeded', 1],
      ['deliver', 'succeeded', 1],
    ]);
    expect(target.withKey(key).map((c) => c.outcome)).toEqual([400, 'applied']);
    expect(target.effects.filter((e) => e.key === key)).toEqual([{ key, path: '/invoices', body: { invoiceId: 'inv_3', amount: 4200 } }]);

    // A new version is published; replaying from the trigger runs the event again on it, as a new run
    // that still carries the original run's key, so the vendor recognises the call.
    await tenant.caller.flows.update({ flowId: flow.flowId, definition: definition({ headers: { 'x-flow-version': '2' } }) });
    expect(await tenant.caller.flows.publish({ flowId: flow.flowId })).toEqual({ version: 2, unchanged: false });
    const { runId: replayId } = await tenant.caller.runs.replay({ runId, from: 'trigger' });
    expect(replayId).not.toBe(runId);
    const replayed = await waitForRun(tenant, replayId);
    expect(replayed).toMatchObject({ status: 'succeeded', version: 2, replayOfId: runId, attempt: 1 });
    expect(replayed.event.id).toBe(failed.event.id);

    const calls = target.withKey(key);
    expect(calls.map((c) => c.outcome)).toEqual([400, 'applied', 'replayed']);
    expect(calls[2]!.headers['x-flow-version']).toBe('2');
    expect(target.requests.filter((r) => r.idempotencyKey === `${replayId}:deliver`)).toEqual([]);
    expect(target.effects.filter((e) => e.key === key)).toHaveLength(1);
    await noJobFor(replayId);
  });
});
