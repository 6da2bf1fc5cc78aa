// The gateway over real HTTP: every refused request is answered with its status and stores nothing (no
// event, no run, no job); path-token endpoints take unsigned posts; one tenant flooding its webhooks is
// slowed down with 429 + Retry-After while another tenant's webhooks are still accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  createLiveFlow,
  ingestCounts,
  postWebhook,
  runIdsOf,
  signatureHeader,
  signUpTenant,
  startTestGateway,
  type LiveFlow,
  type PostResult,
  type TestGateway,
  type TestTenant,
} from '../support/platform-parts.ts';

const MAX_BODY = 64 * 1024;
const definition = { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [{ kind: 'map', key: 'copy', expression: 'trigger' }] };

let db: TestDatabase;
let services: Services;
let gateway: TestGateway;
let limited: TestGateway;
let acme: TestTenant;
let globex: TestTenant;
let orders: LiveFlow;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  gateway = await startTestGateway(db, { maxBodyBytes: MAX_BODY });
  limited = await startTestGateway(db, { tenantRate: { perSecond: 5, burst: 5 } });
  acme = await signUpTenant(services, 'Acme');
  globex = await signUpTenant(services, 'Globex');
  orders = await createLiveFlow(acme, { name: 'Orders', definition });
});

afterAll(async () => {
  await gateway?.close();
  await limited?.close();
  await services?.close();
  await db?.close();
});

const hookUrl = (flow: LiveFlow, base = gateway) => `${base.url}${flow.webhookPath}`;

/** Sends a request that must be refused with `status`, and checks that nothing was stored. */
async function expectRefused(send: () => Promise<PostResult>, status: number, message: RegExp): Promise<PostResult> {
  const before = await ingestCounts(db);
  const result = await send();
  expect(result.status).toBe(status);
  expect(String(result.json.error)).toMatch(message);
  expect(await ingestCounts(db)).toEqual(before);
  return result;
}

describe('refused webhooks store nothing', () => {
  const order = { id: 'ord_1', total: 12 };

  it('accepts a correctly signed post (the control for the refusals below)', async () => {
    const before = await ingestCounts(db);
    const result = await postWebhook(hookUrl(orders), order, { secret: orders.secret! });
    expect(result.status).toBe(202);
    expect(runIdsOf(result)).toHaveLength(1);
    expect(await ingestCounts(db)).toEqual({ events: before.events + 1, runs: before.runs + 1, queued: before.queued + 1 });
  });

  it('401 without a signature', async () => {
    await expectRefused(() => postWebhook(hookUrl(orders), order), 401, /x-conflux-signature header is missing/);
  });

  it('401 for a signature made with another secret, or over another body', async () => {
    await expectRefused(() => postWebhook(hookUrl(orders), order, { secret: 'whsec_not_the_right_one' }), 401, /does not match/);
    const signedOther = signatureHeader(orders.secret!, JSON.stringify({ ...order, total: 1 }));
    await expectRefused(() => postWebhook(hookUrl(orders), order, { headers: signedOther }), 401, /does not match/);
    await expectRefused(() => postWebhook(hookUrl(orders), order, { headers: { 'x-conflux-signature': 'v1=abc' } }), 401, /malformed/);
  });

  it('401 for a timestamp more than 300 s away, in the past or the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(() => postWebhook(hookUrl(orders), order, { secret: orders.secret!, timestamp: now - 301 }), 401, /300 seconds/);
    await expectRefused(() => postWebhook(hookUrl(orders), order, { secret: orders.secret!, timestamp: now + 301 }), 401, /300 seconds/);
  });

  it('415 for a body that is not application/json', async () => {
    await expectRefused(() => postWebhook(hookUrl(orders), 'id=ord_1', { secret: orders.secret!, contentType: 'application/x-www-form-urlencoded' }), 415, /application\/json/);
    await expectRefused(() => postWebhook(hookUrl(orders), order, { secret: orders.secret!, contentType: 'text/plain' }), 415, /application\/json/);
  });

  it('413 for a body over the limit, declared or streamed', async () => {
    const big = { id: 'ord_big', blob: 'x'.repeat(MAX_BODY + 1024) };
    await expectRefused(() => postWebhook(hookUrl(orders), big, { secret: orders.secret! }), 413, /larger than 65536 bytes/);

    // Chunked, so the size is only known while reading: the gateway must count and stop.
    const raw = Buffer.from(JSON.stringify(big));
    const streamed = async (): Promise<PostResult> => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < raw.length; offset += 8192) controller.enqueue(raw.subarray(offset, offset + 8192));
          controller.close();
        },
      });
      const response = await fetch(hookUrl(orders), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeader(orders.secret!, raw) },
        body,
        duplex: 'half',
      } as RequestInit);
      return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
    };
    await expectRefused(streamed, 413, /larger than 65536 bytes/);
  });

  it('400 for malformed JSON', async () => {
    await expectRefused(() => postWebhook(hookUrl(orders), '{"id": "ord_1",', { secret: orders.secret! }), 400, /not valid JSON/);
  });

  it('404 for an endpoint key that does not exist', async () => {
    await expectRefused(() => postWebhook(`${gateway.url}/hooks/${'k'.repeat(32)}`, order, { secret: orders.secret! }), 404, /No webhook endpoint/);
    await expectRefused(() => postWebhook(`${gateway.url}/hooks/short`, order), 404, /No webhook endpoint/);
  });

  it('409 for a disabled flow, with a signature that is otherwise good', async () => {
    const paused = await createLiveFlow(acme, { name: 'Paused', definition });
    await acme.caller.flows.setEnabled({ flowId: paused.flowId, enabled: false });
    const refused = await expectRefused(() => postWebhook(hookUrl(paused), order, { secret: paused.secret! }), 409, /disabled/);
    expect(refused.json.code).toBe('FLOW_DISABLED');
  });
});

describe('path-token endpoints', () => {
  it('accept unsigned posts once the flow is switched to path_token', async () => {
    const flow = await createLiveFlow(acme, { name: 'Legacy sender', definition });
    expect(await acme.caller.flows.setWebhookAuth({ flowId: flow.flowId, authMode: 'path_token' })).toEqual({ authMode: 'path_token' });
    const got = await acme.caller.flows.get({ flowId: flow.flowId });
    expect(got.webhook).toMatchObject({ authMode: 'path_token', secret: null });

    const before = await ingestCounts(db, acme.tenantId);
    const result = await postWebhook(`${gateway.url}${new URL(got.webhook!.url).pathname}`, { id: 'legacy_1' });
    expect(result.status).toBe(202);
    const [runId] = runIdsOf(result);
    expect(await ingestCounts(db, acme.tenantId)).toEqual({ events: before.events + 1, runs: before.runs + 1, queued: before.queued + 1 });
    expect((await acme.caller.runs.get({ runId: runId! })).event.payload).toEqual({ id: 'legacy_1' });
  });
});

describe('per-tenant rate limit', () => {
  it('slows a flooding tenant with 429 and Retry-After while another tenant is still accepted', async () => {
    const flood = await createLiveFlow(acme, { name: 'Flood', definition });
    const quiet = await createLiveFlow(globex, { name: 'Quiet', definition });
    const acmeBefore = await ingestCounts(db, acme.tenantId);
    const globexBefore = await ingestCounts(db, globex.tenantId);

    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => postWebhook(hookUrl(flood, limited), { id: `flood_${i}` }, { secret: flood.secret! })));
    const seconds = (performance.now() - started) / 1000;
    const accepted = results.filter((r) => r.status === 202);
    const limitedOnes = results.filter((r) => r.status === 429);
    expect(accepted.length + limitedOnes.length).toBe(20);
    // The burst of 5, plus at most what 5/s refilled while the 20 requests were being answered.
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    expect(accepted.length).toBeLessThanOrEqual(5 + Math.ceil(seconds * 5));
    expect(limitedOnes.length).toBeGreaterThan(0);
    for (const refused of limitedOnes) {
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(String(refused.json.error)).toMatch(/Too many requests/);
    }
    // Only the accepted requests stored anything.
    expect(await ingestCounts(db, acme.tenantId)).toEqual({
      events: acmeBefore.events + accepted.length,
      runs: acmeBefore.runs + accepted.length,
      queued: acmeBefore.queued + accepted.length,
    });

    // The other tenant's budget is its own.
    for (let i = 0; i < 3; i++) {
      const result = await postWebhook(hookUrl(quiet, limited), { id: `quiet_${i}` }, { secret: quiet.secret! });
      expect(result.status).toBe(202);
    }
    expect(await ingestCounts(db, globex.tenantId)).toEqual({ events: globexBefore.events + 3, runs: globexBefore.runs + 3, queued: globexBefore.queued + 3 });
  });
});
