import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { ConnectorError, connectorManifest, type AppWebhookTriggerDefinition, type AuthValue } from '@conflux/connector-sdk';
import { connectionTestContext, egressRefusal, inboundRequest, refusingFetch, runAction, type TestContextOptions } from '../../../test/support/connector-context.ts';
import { startFakeStripe, type FakeStripe } from '../../../test/support/fake-stripe.ts';
import stripe, { apiAddress, eventTypeMatches, PLATFORM_ROUTING_KEY, testStripeConnection } from './index.ts';

const { createCustomer, updateCustomer, createInvoiceItem } = stripe.actions as Required<typeof stripe.actions>;
const key: AuthValue = { kind: 'bearer', token: 'sk_test_conflux' };

let fake: FakeStripe;
beforeEach(async () => {
  fake = await startFakeStripe();
});
afterEach(async () => {
  await fake.close();
});

/** A context pointed at the fake through the connection metadata, calling it with the real fetch. */
function options(overrides: TestContextOptions = {}): TestContextOptions {
  return { auth: key, fetch: globalThis.fetch, metadata: { apiBaseUrl: fake.url }, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('stripe connector: actions through the real SDK', () => {
  it('creates a customer with the step’s idempotency key, form-encoded as Stripe expects', async () => {
    const customer = await runAction(
      createCustomer,
      { email: 'ada@example.com', name: 'Ada Lovelace', metadata: { tenantCustomerId: '42' } },
      options({ idempotencyKey: 'run_1:createCustomer' }),
    );

    expect(customer).toMatchObject({ id: expect.stringMatching(/^cus_/), object: 'customer', email: 'ada@example.com', name: 'Ada Lovelace', metadata: { tenantCustomerId: '42' } });
    expect(fake.calls).toEqual([
      { method: 'POST', path: '/v1/customers', idempotencyKey: 'run_1:createCustomer', params: { email: 'ada@example.com', name: 'Ada Lovelace', metadata: { tenantCustomerId: '42' } }, replayed: false },
    ]);
    // The SDK's response bookkeeping does not leak into the step output.
    expect(Object.keys(JSON.parse(JSON.stringify(customer)))).not.toContain('lastResponse');
  });

  it('a retried step gets the first customer back instead of a second one', async () => {
    const first = (await runAction(createCustomer, { email: 'ada@example.com' }, options({ idempotencyKey: 'run_2:create' }))) as { id: string };
    const retry = (await runAction(createCustomer, { email: 'ada@example.com' }, options({ idempotencyKey: 'run_2:create' }))) as { id: string };
    const otherRun = (await runAction(createCustomer, { email: 'ada@example.com' }, options({ idempotencyKey: 'run_3:create' }))) as { id: string };

    expect(retry.id).toBe(first.id);
    expect(otherRun.id).not.toBe(first.id);
    expect(fake.customers.size).toBe(2);
    expect(fake.calls.map((c) => [c.idempotencyKey, c.replayed])).toEqual([
      ['run_2:create', false],
      ['run_2:create', true],
      ['run_3:create', false],
    ]);
  });

  it('updates a customer, merging metadata and removing keys given empty', async () => {
    const created = (await runAction(createCustomer, { email: 'ada@example.com', metadata: { plan: 'pro', region: 'eu' } }, options())) as { id: string };
    const updated = await runAction(
      updateCustomer,
      { customerId: created.id, email: 'ada.lovelace@example.com', metadata: { plan: 'team', region: '' } },
      options({ idempotencyKey: 'run_4:update' }),
    );

    expect(updated).toMatchObject({ id: created.id, email: 'ada.lovelace@example.com', metadata: { plan: 'team' } });
    expect(fake.calls[1]).toMatchObject({ path: `/v1/customers/${created.id}`, idempotencyKey: 'run_4:update', params: { email: 'ada.lovelace@example.com' } });
  });

  it('creates an invoice item with a lower-cased currency', async () => {
    const created = (await runAction(createCustomer, { email: 'ada@example.com' }, options())) as { id: string };
    const item = await runAction(createInvoiceItem, { customerId: created.id, amount: 4999, currency: 'EUR', description: 'Consulting, March 2026' }, options({ idempotencyKey: 'run_5:line' }));

    expect(item).toMatchObject({ object: 'invoiceitem', customer: created.id, amount: 4999, currency: 'eur', description: 'Consulting, March 2026', invoice: null });
    expect(fake.calls[1]).toMatchObject({ path: '/v1/invoiceitems', idempotencyKey: 'run_5:line', params: { customer: created.id, amount: '4999', currency: 'eur' } });
  });

  describe('failures', () => {
    it('an unknown customer is permanent, with Stripe’s message and request id', async () => {
      const error = await failure(runAction(updateCustomer, { customerId: 'cus_missing', name: 'x' }, options()));
      expect(error).toMatchObject({ kind: 'permanent', message: "Stripe: No such customer: 'cus_missing'", details: { code: 'resource_missing', status: 404, requestId: expect.stringMatching(/^req_/) } });
    });

    it('a wrong key asks for a reconnect', async () => {
      expect((await failure(runAction(createCustomer, { email: 'ada@example.com' }, options({ auth: { kind: 'bearer', token: 'sk_test_wrong' } })))).kind).toBe('auth');
      expect((await failure(runAction(createCustomer, {}, options({ auth: null })))).kind).toBe('auth');
    });

    it('a restricted key without permission asks for a reconnect', async () => {
      fake.failNext(403, { type: 'invalid_request_error', message: 'The provided key does not have the required permissions' });
      expect((await failure(runAction(createCustomer, {}, options()))).kind).toBe('auth');
    });

    it('429 is rate limited, honouring Retry-After', async () => {
      fake.failNext(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' }, { 'retry-after': '2' });
      const error = await failure(runAction(createCustomer, {}, options()));
      expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
      // The SDK's own retries are off: the engine decides when to try again.
      expect(fake.calls).toHaveLength(1);
    });

    it('a 5xx API error is retryable, and the retry with the same key succeeds once', async () => {
      fake.failNext(500, { type: 'api_error', message: 'An unknown error occurred' });
      const error = await failure(runAction(createCustomer, { email: 'ada@example.com' }, options({ idempotencyKey: 'run_6:create' })));
      expect(error.kind).toBe('retryable');
      await runAction(createCustomer, { email: 'ada@example.com' }, options({ idempotencyKey: 'run_6:create' }));
      expect(fake.customers.size).toBe(1);
    });

    it('a card error is permanent', async () => {
      fake.failNext(402, { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' });
      expect(await failure(runAction(createCustomer, {}, options()))).toMatchObject({ kind: 'permanent', details: { type: 'StripeCardError', code: 'card_declined' } });
    });

    it('reusing a key with other parameters is permanent', async () => {
      await runAction(createCustomer, { email: 'ada@example.com' }, options({ idempotencyKey: 'run_7:create' }));
      const error = await failure(runAction(createCustomer, { email: 'grace@example.com' }, options({ idempotencyKey: 'run_7:create' })));
      expect(error).toMatchObject({ kind: 'permanent', message: expect.stringContaining('same parameters') });
    });

    it('an unreachable API is retryable', async () => {
      await fake.close();
      expect((await failure(runAction(createCustomer, {}, options()))).kind).toBe('retryable');
    });

    it('passes the guarded fetch’s own errors on untouched', async () => {
      for (const refusal of [egressRefusal(), ConnectorError.permanent('Egress to 127.0.0.1 is not allowed')]) {
        expect(await runAction(createCustomer, {}, options({ fetch: refusingFetch(refusal) })).catch((e: unknown) => e)).toBe(refusal);
      }
    });
  });

  it('validates ids, amounts and currencies before calling Stripe', () => {
    expect(createInvoiceItem.props.safeParse({ customerId: 'cus_1', amount: 12.5, currency: 'eur' }).success).toBe(false);
    expect(createInvoiceItem.props.safeParse({ customerId: 'cus_1', amount: 1250, currency: 'euro' }).success).toBe(false);
    expect(createInvoiceItem.props.safeParse({ customerId: '42', amount: 1250, currency: 'eur' }).success).toBe(false);
    expect(createCustomer.props.safeParse({ email: 'not-an-email' }).success).toBe(false);
  });

  it('reads the API address from the connection metadata', () => {
    expect(apiAddress('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: '12111', protocol: 'http' });
    expect(apiAddress('https://stripe.internal')).toEqual({ host: 'stripe.internal', port: 443, protocol: 'https' });
    expect(apiAddress(undefined)).toEqual({});
  });
});

describe('stripe connector: app webhook', () => {
  const secret = 'whsec_test_conflux';
  const event = {
    id: 'evt_1',
    object: 'event',
    type: 'invoice.paid',
    account: 'acct_tenant42',
    created: 1767225600,
    data: { object: { id: 'in_1', object: 'invoice', customer: 'cus_1', amount_paid: 4999 } },
  };
  const appWebhook = stripe.appWebhook!;

  function signed(body: string, timestamp = Math.floor(Date.now() / 1000)) {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
    return inboundRequest(body, { 'Stripe-Signature': header });
  }

  it('verifies the signature and routes by Connect account', () => {
    const body = JSON.stringify(event);
    expect(appWebhook.verify(signed(body), secret)).toEqual([{ id: 'evt_1', type: 'invoice.paid', routingKey: 'acct_tenant42', payload: event }]);
  });

  it('routes events without an account to the platform key', () => {
    const { account: _account, ...own } = event;
    const [verified] = appWebhook.verify(signed(JSON.stringify(own)), secret);
    expect(verified?.routingKey).toBe(PLATFORM_ROUTING_KEY);
  });

  it('refuses a tampered body', () => {
    const request = signed(JSON.stringify(event));
    const tampered = { ...request, rawBody: Buffer.from(JSON.stringify({ ...event, data: { object: { amount_paid: 1 } } })) };
    expect(() => appWebhook.verify(tampered, secret)).toThrow(ConnectorError);
    expect(() => appWebhook.verify(tampered, secret)).toThrow(/signature check failed/);
  });

  it('refuses a wrong secret and a missing header', () => {
    expect(() => appWebhook.verify(signed(JSON.stringify(event)), 'whsec_other')).toThrow(/signature check failed/);
    expect(() => appWebhook.verify(inboundRequest(event), secret)).toThrow(/no Stripe-Signature header/);
  });

  it('refuses a signature older than 300 s, measured from the given time', () => {
    const sentAt = 1_767_225_600;
    const request = signed(JSON.stringify(event), sentAt);
    expect(appWebhook.verify(request, secret, (sentAt + 299) * 1000)).toHaveLength(1);
    const stale = (() => {
      try {
        appWebhook.verify(request, secret, (sentAt + 301) * 1000);
      } catch (error) {
        return error;
      }
    })();
    expect(stale).toMatchObject({ kind: 'permanent', message: expect.stringContaining('tolerance') });
  });

  it('finds a connection’s routing key in its metadata', () => {
    expect(appWebhook.routingKeyOf({ metadata: { stripeAccountId: 'acct_tenant42' } })).toBe('acct_tenant42');
    expect(appWebhook.routingKeyOf({ metadata: {} })).toBeUndefined();
  });

  it('matches event types exactly, by family or all', () => {
    const trigger = stripe.triggers.event as AppWebhookTriggerDefinition;
    const props = (eventTypes?: string[]) => trigger.props.parse({ eventTypes });
    expect(trigger.matches(props(['customer.created', 'invoice.paid']), { type: 'invoice.paid', payload: {} })).toBe(true);
    expect(trigger.matches(props(['customer.created']), { type: 'invoice.paid', payload: {} })).toBe(false);
    expect(trigger.matches(props(), { type: 'charge.refunded', payload: {} })).toBe(true);
    expect(trigger.matches(props(['*']), { payload: {} })).toBe(false);
    expect(eventTypeMatches(['invoice.*'], 'invoice.payment_failed')).toBe(true);
    expect(eventTypeMatches(['invoice.*'], 'invoiceitem.created')).toBe(false);
    expect(trigger.props.safeParse({ eventTypes: ['Invoice Paid'] }).success).toBe(false);
  });
});

it('stripe manifest builds with bearer auth and Stripe’s host', () => {
  const manifest = connectorManifest(stripe);
  expect(manifest.auth.map((a) => a.kind)).toEqual(['bearer']);
  expect(manifest.egress.hosts).toEqual(['api.stripe.com']);
  expect(manifest.triggers).toMatchObject([{ key: 'event', type: 'app_webhook' }]);
});

describe('stripe connector: connection test', () => {
  it('retrieves the balance with the key', async () => {
    expect(stripe.test).toBe(testStripeConnection);
    expect(await testStripeConnection(connectionTestContext(options()))).toEqual({ ok: true, detail: 'Stripe accepted the key (test mode).' });
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v1/balance']);
  });

  it('a wrong key fails with Stripe’s message; a restricted key without balance access passes', async () => {
    const wrong = await testStripeConnection(connectionTestContext(options({ auth: { kind: 'bearer', token: 'sk_test_wrong' } })));
    expect(wrong).toMatchObject({ ok: false, refused: true, message: expect.stringMatching(/^Stripe refused the key: Invalid API Key/) });
    fake.failNext(403, { type: 'invalid_request_error', message: 'The provided key does not have the required permissions' });
    expect(await testStripeConnection(connectionTestContext(options()))).toMatchObject({ ok: true, detail: expect.stringContaining('restricted key') });
  });

  it('an unreachable API or a refused address is a readable failure', async () => {
    const refused = await testStripeConnection(connectionTestContext(options({ fetch: refusingFetch(egressRefusal()) })));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('not a public address') });
  });

  it('confirms the account it routes events by, and refuses one the key cannot reach', async () => {
    const confirmed = await testStripeConnection(connectionTestContext(options({ metadata: { apiBaseUrl: fake.url, stripeAccountId: 'acct_1' } })));
    expect(confirmed).toMatchObject({ ok: true, routingKey: 'acct_1' });
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toContain('GET /v1/accounts/acct_1');
    const foreign = await testStripeConnection(connectionTestContext(options({ metadata: { apiBaseUrl: fake.url, stripeAccountId: 'acct_unknown9' } })));
    expect(foreign).toMatchObject({ ok: false, message: expect.stringMatching(/cannot reach the Stripe account acct_unknown9/) });
    expect('routingKey' in foreign).toBe(false);
  });

  it('documents the account id it routes events by', () => {
    expect(connectorManifest(stripe).connectionMetadata.map((f) => f.key)).toEqual(['stripeAccountId']);
  });
});
