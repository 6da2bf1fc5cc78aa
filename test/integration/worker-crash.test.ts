// A worker process dies (SIGKILL) after its outbound call reached the vendor and before it recorded the
// outcome. The run stays claimed by the dead worker; the supervisor of another worker sees it stop beating,
// puts the run back in the dispatch queue, and it is retried from its last checkpoint. The vendor
// sees the same Idempotency-Key again and applies the effect once.
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
  spawnWorkerProcess,
  startRecordingTarget,
  startTestGateway,
  startTestWorker,
  waitFor,
  waitForRun,
  within,
  type LiveFlow,
  type RecordingTarget,
  type TestGateway,
  type TestTenant,
  type WorkerProcess,
} from '../support/platform-parts.ts';

let db: TestDatabase;
let services: Services;
let gateway: TestGateway;
let target: RecordingTarget;
let tenant: TestTenant;
let flow: LiveFlow;
let doomed: WorkerProcess | undefined;
let rescuer: RunningWorker | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  target = await startRecordingTarget();
  gateway = await startTestGateway(db);
  tenant = await signUpTenant(services, 'Crashy Co');
  const connection = await tenant.caller.connections.create({ connectorId: 'http', name: 'Ledger', authKind: 'none', credentials: {} });
  flow = await createLiveFlow(tenant, {
    name: 'Book payments',
    definition: {
      trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
      steps: [
        { kind: 'map', key: 'entry', expression: '{ "paymentId": trigger.id, "amount": trigger.amount }' },
        {
          kind: 'action',
          key: 'book',
          connector: 'http',
          action: 'request',
          connectionId: connection.id,
          props: { method: 'POST', url: `${target.url}/ledger`, body: { expr: 'steps.entry' } },
        },
      ],
    },
  });
});

afterAll(async () => {
  await doomed?.kill();
  await rescuer?.stop();
  await gateway?.close();
  await target?.close();
  await services?.close();
  await db?.close();
});

describe('a worker killed between the outbound call and its checkpoint', () => {
  it('is rescued by another worker: the run is retried and the vendor applies the effect once', { timeout: 90_000 }, async () => {
    doomed = spawnWorkerProcess(db);
    const held = target.holdNext();

    const accepted = await postWebhook(`${gateway.url}${flow.webhookPath}`, { id: 'pay_77', amount: 1250 }, { secret: flow.secret! });
    expect(accepted.status).toBe(202);
    const [runId] = runIdsOf(accepted);
    const key = `${runId}:book`;

    // The vendor has the request (and has applied it); the answer is held back while the worker dies.
    const first = await within(held.arrived, 45_000, () => `the worker process to call the target (stderr: ${doomed!.stderr() || 'empty'})`);
    expect(first.idempotencyKey).toBe(key);
    await doomed.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    held.release();

    // What the dead worker left behind: a running run claimed by a worker that will never finish it.
    const stuck = await tenant.caller.runs.get({ runId: runId! });
    expect(stuck.status).toBe('running');
    expect(stuck.steps.map((s) => [s.stepKey, s.status])).toEqual([
      ['entry', 'succeeded'],
      ['book', 'running'],
    ]);
    const [lockedJob] = (await queuedRuns(db)).filter((j) => j.runId === runId);
    expect(lockedJob?.lockedBy).toEqual(expect.any(String));

    // A fresh worker with a short stale window takes the run back and runs the flow again.
    const rescueStarted = Date.now();
    rescuer = await startTestWorker(db, { supervisorIntervalMs: 250, staleAfterMs: 2_000 });
    const run = await waitForRun(tenant, runId!, { timeoutMs: 60_000 });
    expect(Date.now() - rescueStarted).toBeLessThan(60_000);
    expect(run.status).toBe('succeeded');
    expect(run.attempt).toBe(2);
    // The map step was checkpointed before the crash and not run again; the action was.
    expect(run.steps.map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
      ['entry', 'succeeded', 1],
      ['book', 'succeeded', 2],
    ]);
    expect(run.steps[1]!.output).toMatchObject({ status: 201, body: { id: 'effect_1' } });

    // The vendor saw the same key twice and applied it once.
    expect(target.requests.map((r) => [r.idempotencyKey, r.outcome])).toEqual([
      [key, 'applied'],
      [key, 'replayed'],
    ]);
    expect(target.effects).toEqual([{ key, path: '/ledger', body: { paymentId: 'pay_77', amount: 1250 } }]);

    // The rescued run completed and left the queue.
    await waitFor(async () => (await queuedRuns(db)).length === 0, { what: 'the run to leave the queue' });
  });
});
