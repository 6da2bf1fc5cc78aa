// Tenant-written mappings inside real runs: runaway recursion and endless loops are stopped within their
// time and depth limits and dead-letter the run with a MAPPING_ error (no retry, the next step never runs),
// classic JavaScript sandbox escapes reach nothing of the worker process, and the worker goes on serving.
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
  type RecordingTarget,
  type RunView,
  type TestGateway,
  type TestTenant,
} from '../support/platform-parts.ts';

let db: TestDatabase;
let services: Services;
let gateway: TestGateway;
let worker: RunningWorker;
let target: RecordingTarget;
let tenant: TestTenant;
let connectionId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  target = await startRecordingTarget();
  gateway = await startTestGateway(db);
  worker = await startTestWorker(db);
  tenant = await signUpTenant(services, 'Mapping Lab');
  connectionId = (await tenant.caller.connections.create({ connectorId: 'http', name: 'Sink', authKind: 'none', credentials: {} })).id;
});

afterAll(async () => {
  await worker?.stop();
  await gateway?.close();
  await target?.close();
  await services?.close();
  await db?.close();
});

let flowCounter = 0;

/** Runs a flow whose map step is `expression`, followed by an action that posts the map's output. */
async function runMapping(expression: string): Promise<{ run: RunView; elapsedMs: number; runId: string }> {
  const flow = await createLiveFlow(tenant, {
    name: `Mapping ${++flowCounter}`,
    definition: {
      trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
      steps: [
        { kind: 'map', key: 'mapped', expression },
        { kind: 'action', key: 'deliver', connector: 'http', action: 'request', connectionId, props: { method: 'POST', url: `${target.url}/sink`, body: { expr: '{ "mapped": steps.mapped }' } } },
      ],
    },
  });
  const started = performance.now();
  const accepted = await postWebhook(`${gateway.url}${flow.webhookPath}`, { id: 'evt_1', items: [1, 2, 3] }, { secret: flow.secret! });
  expect(accepted.status).toBe(202);
  const runId = runIdsOf(accepted)[0]!;
  const run = await waitForRun(tenant, runId, { intervalMs: 25 });
  return { run, elapsedMs: performance.now() - started, runId };
}

/** The run was dead-lettered at the map step with a MAPPING_ code, quickly, and nothing was sent. */
async function expectStoppedMapping(result: { run: RunView; elapsedMs: number; runId: string }, code: string) {
  const { run, runId } = result;
  expect(run.status).toBe('failed');
  expect(run.attempt).toBe(1);
  expect(run.error).toMatchObject({ stepKey: 'mapped', disposition: 'fail', code });
  expect(run.steps.map((s) => [s.stepKey, s.status])).toEqual([['mapped', 'failed']]);
  expect(run.steps[0]!.durationMs).toBeLessThan(2_000);
  expect(result.elapsedMs).toBeLessThan(5_000);
  expect(target.requests.filter((r) => r.idempotencyKey === `${runId}:deliver`)).toEqual([]);
  expect((await queuedRuns(db)).filter((j) => j.runId === runId)).toEqual([]);
}

describe('runaway mappings', () => {
  it('stops deep recursion with MAPPING_DEPTH and dead-letters the run', async () => {
    const result = await runMapping('( $f := function($x){ 1 + $f($x+1) }; $f(0) )');
    await expectStoppedMapping(result, 'MAPPING_DEPTH');
    expect(String(result.run.error!.message)).toMatch(/nested deeper than \d+ levels/);
  });

  it('stops an endless tail-recursive loop with MAPPING_TIMEOUT', async () => {
    const result = await runMapping('( $loop := function($i){ $i < 100000000 ? $loop($i + 1) : $i }; $loop(0) )');
    await expectStoppedMapping(result, 'MAPPING_TIMEOUT');
    expect(String(result.run.error!.message)).toMatch(/ran longer than 1000 ms/);
  });

  it('stops a long loop over a large range with MAPPING_TIMEOUT', async () => {
    await expectStoppedMapping(await runMapping('$count([1..5000000].($ * 2))'), 'MAPPING_TIMEOUT');
  });
});

describe('sandbox escapes', () => {
  it.each([
    '$string.constructor',
    'constructor.constructor("return process")()',
    'constructor.constructor("return process")().version',
    '$string.constructor("return process")().pid',
    'trigger.constructor.constructor("return process")().env',
    '$lookup($lookup($, "constructor"), "constructor")("return process")()',
  ])('%s reaches nothing of the process', async (expression) => {
    const { run, runId } = await runMapping(expression);
    const text = JSON.stringify(run);
    expect(text).not.toContain(process.version);
    expect(text).not.toContain(process.cwd());
    if (run.status === 'failed') {
      // Refused as a mapping error: permanent, nothing sent.
      expect(run.error).toMatchObject({ stepKey: 'mapped', disposition: 'fail', code: expect.stringMatching(/^MAPPING_/) });
      expect(target.withKey(`${runId}:deliver`)).toEqual([]);
    } else {
      // Or evaluated to nothing: the map's output is empty and so is what was sent on.
      expect(run.status).toBe('succeeded');
      expect(run.steps[0]).toMatchObject({ stepKey: 'mapped', status: 'succeeded', output: null });
      const [sent] = target.withKey(`${runId}:deliver`);
      expect(sent?.json).toEqual({});
    }
  });
});

describe('after all that', () => {
  it('the worker still runs flows', async () => {
    const { run, runId } = await runMapping('{ "count": $count(trigger.items), "sum": $sum(trigger.items) }');
    expect(run.status).toBe('succeeded');
    expect(run.steps[0]!.output).toEqual({ count: 3, sum: 6 });
    expect(target.withKey(`${runId}:deliver`).map((r) => r.json)).toEqual([{ mapped: { count: 3, sum: 6 } }]);
  });
});
