// Stripe's one app-wide webhook endpoint, fanned out to tenants: events are signed with Stripe's own SDK,
// the gateway verifies them with the configured endpoint secret, and each event reaches only the tenant
// whose Stripe connection names the event's account, once per event id however often Stripe delivers it.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createLiveFlow, ingestCounts, signUpTenant, startTestGateway, type LiveFlow, type PostResult, type TestGateway, type TestTenant } from '../support/platform-parts.ts';

const ENDPOINT_SECRET = 'whsec_test';

let db: TestDatabase;
let mallory: TestTenant;
let services: Services;
let gateway: TestGateway;
let first: TestTenant;
let second: TestTenant;
let firstFlow: LiveFlow;

/** A Connect event of `account`, as Stripe sends it. */
function stripeEvent(id: string, account: string, type = 'customer.created') {
  return {
    id,
    object: 'event',
    api_version: '2026-02-25.clover',
    account,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object: { id: `cus_${id.slice(4)}`, object: 'customer', email: `${id}@example.com` } },
  };
}

/** Delivers a body to the Stripe endpoint, signed by the Stripe SDK (or with the given header). */
async function deliver(payload: string, signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: ENDPOINT_SECRET })): Promise<PostResult> {
  const response = await fetch(`${gateway.url}/apps/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

async function stripeFlow(tenant: TestTenant, accountId: string, options: { verified?: boolean } = { verified: true }): Promise<LiveFlow> {
  const connection = await tenant.caller.connections.create({ connectorId: 'stripe', name: `Stripe ${accountId}`, authKind: 'bearer', credentials: { token: 'sk_test_conflux' }, metadata: { stripeAccountId: accountId } });
  if (options.verified) {
    // What a passed "Test connection" records once Stripe confirms the key reaches the account
    // (connection-test.test.ts covers that path against the fake Stripe).
    await db.system.db.connection.update({ where: { id: connection.id }, data: { routingKey: accountId } });
  }
  return createLiveFlow(tenant, {
    name: 'New Stripe customers',
    definition: {
      trigger: { connector: 'stripe', trigger: 'event', connectionId: connection.id, props: { eventTypes: ['customer.created'] } },
      steps: [{ kind: 'map', key: 'customer', expression: '{ "id": trigger.data.object.id, "email": trigger.data.object.email }' }],
    },
  });
}

/** The tenant's runs by the Stripe event id that started them. */
async function runsByEventId(tenant: TestTenant): Promise<Record<string, number>> {
  const runs = await db.system.db.run.findMany({ where: { tenantId: tenant.tenantId }, select: { event: { select: { sourceEventId: true, source: true } } } });
  const counts: Record<string, number> = {};
  for (const run of runs) {
    expect(run.event.source).toBe('app:stripe');
    const id = run.event.sourceEventId ?? '(none)';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  gateway = await startTestGateway(db, { appSecrets: { stripe: ENDPOINT_SECRET } });
  first = await signUpTenant(services, 'First Stripe Shop');
  second = await signUpTenant(services, 'Second Stripe Shop');
  firstFlow = await stripeFlow(first, 'acct_1');
  await stripeFlow(second, 'acct_2');
  // A third tenant types acct_1 into its connection without Stripe ever confirming it.
  mallory = await signUpTenant(services, 'Mallory Shop');
  await stripeFlow(mallory, 'acct_1', { verified: false });
});

afterAll(async () => {
  await gateway?.close();
  await services?.close();
  await db?.close();
});

describe('Stripe app webhook', () => {
  it('routes a signed event of acct_1 to that account’s tenant only', async () => {
    const result = await deliver(JSON.stringify(stripeEvent('evt_routing_1', 'acct_1')));
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ received: 1, accepted: 1 });

    expect(await runsByEventId(first)).toEqual({ evt_routing_1: 1 });
    expect(await runsByEventId(second)).toEqual({});
    const listed = await first.caller.runs.list({ flowId: firstFlow.flowId });
    expect(listed.items).toHaveLength(1);
    const run = await first.caller.runs.get({ runId: listed.items[0]!.id });
    expect(run.event).toMatchObject({ source: 'app:stripe', sourceEventId: 'evt_routing_1', payload: { id: 'evt_routing_1', account: 'acct_1', type: 'customer.created' } });
    expect((await second.caller.runs.list()).items).toEqual([]);
    // Claiming an account id in a connection's settings routes nothing: only a passed test does.
    expect(await runsByEventId(mallory)).toEqual({});
  });

  it('stores nothing for an event type the flow does not listen to', async () => {
    const before = await ingestCounts(db);
    const result = await deliver(JSON.stringify(stripeEvent('evt_other_type', 'acct_1', 'invoice.paid')));
    expect(result).toMatchObject({ status: 200, json: { received: 1, accepted: 0 } });
    expect(await ingestCounts(db)).toEqual(before);
  });

  it('refuses a tampered body with 400 and stores nothing', async () => {
    const before = await ingestCounts(db);
    const genuine = JSON.stringify(stripeEvent('evt_tampered', 'acct_1'));
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: genuine, secret: ENDPOINT_SECRET });
    // The signature is Stripe's, the body is not what Stripe signed: the event is redirected to acct_2.
    const tampered = genuine.replace('"acct_1"', '"acct_2"');
    expect(tampered).not.toBe(genuine);
    const refused = await deliver(tampered, signature);
    expect(refused.status).toBe(400);
    expect(String(refused.json.error)).toMatch(/Stripe signature check failed/);

    // A secret other than the endpoint's, and no signature at all, fare no better.
    const forged = await deliver(genuine, Stripe.webhooks.generateTestHeaderString({ payload: genuine, secret: 'whsec_attacker' }));
    expect(forged.status).toBe(400);
    const unsigned = await fetch(`${gateway.url}/apps/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: genuine });
    expect(unsigned.status).toBe(400);
    expect(await ingestCounts(db)).toEqual(before);
  });

  it('creates exactly one run per event id when Stripe delivers the same event three times among others', async () => {
    const repeated = JSON.stringify(stripeEvent('evt_repeat', 'acct_1'));
    const deliveries = [repeated, JSON.stringify(stripeEvent('evt_other_a', 'acct_1')), repeated, JSON.stringify(stripeEvent('evt_other_b', 'acct_1')), repeated];
    // A fixed shuffle (Fisher–Yates on a seeded generator), so a failure can be replayed.
    let seed = 20260301;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    expect(deliveries.filter((d) => d === repeated)).toHaveLength(3);

    for (const body of deliveries) {
      const result = await deliver(body);
      expect(result.status).toBe(200);
    }
    // And once more all at the same moment, as Stripe's retries can overlap.
    const concurrent = await Promise.all(deliveries.map((body) => deliver(body)));
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    expect(await runsByEventId(first)).toEqual({ evt_routing_1: 1, evt_repeat: 1, evt_other_a: 1, evt_other_b: 1 });
    expect(await runsByEventId(second)).toEqual({});
    expect(await ingestCounts(db, first.tenantId)).toMatchObject({ events: 4, runs: 4, queued: 4 });
  });
});
