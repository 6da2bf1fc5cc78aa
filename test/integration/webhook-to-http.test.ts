// The event-flow path end to end, on real parts: a tenant sets up a connection and a flow through the
// portal's API, a signed webhook reaches the gateway over HTTP, the worker runs the flow, and a real HTTP
// server receives the mapped body exactly once, carrying the run's idempotency key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../apps/worker/src/worker.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  createLiveFlow,
  ingestCounts,
  postWebhook,
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

let db: TestDatabase;
let services: Services;
let gateway: TestGateway;
let worker: RunningWorker;
let target: RecordingTarget;
let tenant: TestTenant;
let flow: LiveFlow;
let connectionId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  target = await startRecordingTarget();
  gateway = await startTestGateway(db);
  worker = await startTestWorker(db);
  tenant = await signUpTenant(services, 'Acme Orders');
  const connection = await tenant.caller.connections.create({ connectorId: 'http', name: 'ERP', authKind: 'bearer', credentials: { token: 'tok_erp_secret_123' } });
  connectionId = connection.id;
  flow = await createLiveFlow(tenant, {
    name: 'Orders to ERP',
    definition: {
      trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
      steps: [
        { kind: 'map', key: 'body', expression: '{ "orderId": trigger.id, "total": $sum(trigger.items.price) }' },
        {
          kind: 'action',
          key: 'deliver',
          connector: 'http',
          action: 'request',
          connectionId,
          props: { method: 'POST', url: `${target.url}/orders`, body: { expr: 'steps.body' } },
        },
      ],
    },
  });
});

afterAll(async () => {
  await worker?.stop();
  await gateway?.close();
  await target?.close();
  await services?.close();
  await db?.close();
});

describe('webhook → map → http action', () => {
  it('delivers the mapped body once with the run key, and the run view shows every step', async () => {
    expect(flow.webhookPath).toMatch(/^\/hooks\/[A-Za-z0-9_-]{20,}$/);
    expect(flow.secret).toMatch(/^whsec_/);
    const event = { id: 'ord_1042', items: [{ price: 10.5 }, { price: 4.5 }, { price: 25 }] };

    const accepted = await postWebhook(`${gateway.url}${flow.webhookPath}`, event, { secret: flow.secret! });
    expect(accepted.status).toBe(202);
    expect(accepted.json).toEqual({ accepted: 1, runs: [{ runId: expect.any(String), duplicate: false }] });
    const [runId] = runIdsOf(accepted);

    const run = await waitForRun(tenant, runId!);
    expect(run.status).toBe('succeeded');

    // The target got the mapped body, once, with the step's idempotency key and the connection's token.
    expect(target.requests).toHaveLength(1);
    const [request] = target.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/orders', idempotencyKey: `${runId}:deliver`, json: { orderId: 'ord_1042', total: 40 } });
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
    expect(request!.headers.authorization).toBe('Bearer tok_erp_secret_123');
    expect(target.effects).toEqual([{ key: `${runId}:deliver`, path: '/orders', body: { orderId: 'ord_1042', total: 40 } }]);

    // runs.get: both steps in order, with inputs, outputs and durations.
    expect(run).toMatchObject({ id: runId, flowId: flow.flowId, flowName: 'Orders to ERP', version: 1, attempt: 1, error: null, replayOfId: null });
    expect(run.event).toMatchObject({ source: 'webhook', sourceEventId: null, payload: event });
    expect(run.steps.map((s) => [s.stepKey, s.kind, s.status, s.attempt])).toEqual([
      ['body', 'map', 'succeeded', 1],
      ['deliver', 'action', 'succeeded', 1],
    ]);
    const [body, deliver] = run.steps;
    expect(body!.output).toEqual({ orderId: 'ord_1042', total: 40 });
    expect(deliver!.input).toMatchObject({ method: 'POST', url: `${target.url}/orders`, body: { orderId: 'ord_1042', total: 40 }, bodyType: 'json' });
    expect(deliver!.output).toMatchObject({ status: 201, body: { id: 'effect_1', received: { orderId: 'ord_1042', total: 40 } } });
    for (const step of run.steps) {
      expect(step.error).toBeNull();
      expect(step.durationMs).toEqual(expect.any(Number));
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
      expect(step.finishedAt!.getTime()).toBeGreaterThanOrEqual(step.startedAt.getTime());
    }
    expect(run.startedAt).not.toBeNull();
    expect(run.finishedAt!.getTime()).toBeGreaterThanOrEqual(run.createdAt.getTime());
    // The connection's secret never reaches the run view.
    expect(JSON.stringify(run)).not.toContain('tok_erp_secret_123');

    // runs.list lists it, with its duration.
    const list = await tenant.caller.runs.list({ flowId: flow.flowId });
    expect(list.items).toEqual([expect.objectContaining({ id: runId, flowName: 'Orders to ERP', status: 'succeeded', attempt: 1, error: null, durationMs: expect.any(Number) })]);
    const succeeded = await tenant.caller.runs.list({ status: ['succeeded'] });
    expect(succeeded.items.map((r) => r.id)).toContain(runId);

    // Nothing is left in the queue that could deliver it a second time.
    expect(await ingestCounts(db, tenant.tenantId)).toEqual({ events: 1, runs: 1, queued: 0 });
  });

  it('a sender retrying the same event id starts the flow once', async () => {
    const before = target.requests.length;
    const event = { id: 'ord_2001', items: [{ price: 1 }] };
    const first = await postWebhook(`${gateway.url}${flow.webhookPath}`, event, { secret: flow.secret!, headers: { 'x-event-id': 'evt_2001' } });
    const again = await postWebhook(`${gateway.url}${flow.webhookPath}`, event, { secret: flow.secret!, headers: { 'x-event-id': 'evt_2001' } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    const [runId] = runIdsOf(first);
    expect(again.json).toEqual({ accepted: 1, runs: [{ runId, duplicate: true }] });

    const run = await waitForRun(tenant, runId!);
    expect(run.status).toBe('succeeded');
    expect(run.event.sourceEventId).toBe('evt_2001');
    expect(target.requests.slice(before).map((r) => r.idempotencyKey)).toEqual([`${runId}:deliver`]);
    expect(await ingestCounts(db, tenant.tenantId)).toEqual({ events: 2, runs: 2, queued: 0 });
  });
});
