/**
 * The Stripe connector: customers and invoice items through Stripe's own SDK, and Stripe events through
 * one app-wide webhook endpoint fanned out to tenants by Stripe account id.
 *
 * The connection is a `bearer` secret key: that is exactly what Stripe's API takes, and it leaves no
 * tenant-editable field that could point the key at another host. The SDK is built per call with the
 * guarded fetch as its HTTP client, no retries of its own (the engine retries), and the step's idempotency
 * key on every write. Tests point it at a local server through the connection metadata `apiBaseUrl`.
 */
import Stripe from 'stripe';
import {
  ConnectorError,
  defineAction,
  defineConnector,
  defineTrigger,
  errorForStatus,
  isConnectorError,
  parseRetryAfter,
  z,
  type ActionContext,
  type ConnectionTestContext,
  type ConnectionTestResult,
  type InboundEvent,
} from '@conflux/connector-sdk';

/** The routing key of events about the account that owns the webhook endpoint (no Connect `account`). */
export const PLATFORM_ROUTING_KEY = '<platform>';
/** Largest accepted age of a signed webhook, in seconds (Stripe's own default, and the platform's rule). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

// Connection metadata is kept by the platform beside the credentials; ActionContext does not carry it yet,
// so it is read defensively.
function connectionMetadata(ctx: object): Record<string, unknown> {
  const metadata = (ctx as { connection?: { metadata?: unknown } }).connection?.metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
}

/** `{ host, port, protocol }` for the SDK from an `apiBaseUrl` such as `http://127.0.0.1:12111`; Stripe's own otherwise. */
export function apiAddress(apiBaseUrl: unknown): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (typeof apiBaseUrl !== 'string' || !apiBaseUrl) return {};
  const url = new URL(apiBaseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/** The guarded fetch, also cancelled when the platform aborts the step. */
function fetchFor(ctx: Pick<ActionContext<unknown>, 'fetch' | 'signal'>): typeof fetch {
  return (input, init) => ctx.fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal });
}

function stripeFor(ctx: Pick<ActionContext<unknown>, 'auth' | 'fetch' | 'signal' | 'connection'>): Stripe {
  if (ctx.auth?.kind !== 'bearer') throw ConnectorError.auth('The Stripe connection has no secret key: reconnect it.');
  return new Stripe(ctx.auth.token, {
    httpClient: Stripe.createFetchHttpClient(fetchFor(ctx)),
    maxNetworkRetries: 0,
    telemetry: false,
    appInfo: { name: 'Conflux' },
    ...apiAddress(connectionMetadata(ctx).apiBaseUrl),
  });
}

/**
 * Whether an error from `ctx.fetch` already says what it is: a ConnectorError, the guarded fetch's
 * EgressError (blocked host, size cap, timeout; the engine reads its `retryable`), or an abort.
 */
function alreadyClassified(error: unknown): boolean {
  if (isConnectorError(error)) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'EgressError' || name === 'AbortError' || name === 'TimeoutError';
}

/** Classifies what the Stripe SDK throws; the platform's own errors are passed on as they are. */
export function stripeError(error: unknown): unknown {
  if (alreadyClassified(error)) return error;
  if (!(error instanceof Stripe.errors.StripeError)) {
    return ConnectorError.retryable(`Stripe call failed: ${(error as Error).message}`, { cause: error });
  }
  const message = `Stripe: ${error.message}`;
  const details = { type: error.type, code: error.code, param: error.param, requestId: error.requestId, status: error.statusCode };
  if (error instanceof Stripe.errors.StripeRateLimitError) return ConnectorError.rateLimited(message, parseRetryAfter(error.headers?.['retry-after']));
  // A restricted key without the needed permission is fixed by reconnecting with another key, like a wrong key.
  if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError) {
    return ConnectorError.auth(message, { cause: error });
  }
  if (error instanceof Stripe.errors.StripeConnectionError) {
    // The guarded fetch's own errors arrive wrapped by the SDK.
    if (alreadyClassified(error.detail)) return error.detail;
    return ConnectorError.retryable(message, { cause: error, details });
  }
  if (error instanceof Stripe.errors.StripeAPIError && (error.statusCode === undefined || error.statusCode >= 500)) {
    return ConnectorError.retryable(message, { cause: error, details });
  }
  // Card declines, invalid requests and reused idempotency keys fail the same way every time.
  if (
    error instanceof Stripe.errors.StripeCardError ||
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeIdempotencyError
  ) {
    return ConnectorError.permanent(message, { cause: error, details });
  }
  return error.statusCode ? errorForStatus(error.statusCode, message) : ConnectorError.retryable(message, { cause: error, details });
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw stripeError(error);
  }
}

const metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .optional()
  .describe('Key-value pairs kept on the Stripe object, e.g. { "tenantCustomerId": "42" }. On update, an empty value removes a key.');

const customerFields = {
  email: z.email().optional().describe('Customer’s email address; Stripe sends receipts and invoices to it.'),
  name: z.string().max(256).optional().describe('Full name or business name.'),
  phone: z.string().max(20).optional().describe('Phone number, e.g. +49 30 1234567.'),
  description: z.string().max(350).optional().describe('Internal note shown in the Stripe dashboard.'),
  metadata,
};

const customerId = z
  .string()
  .trim()
  .regex(/^cus_[A-Za-z0-9]+$/, 'A Stripe customer id such as cus_NffrFeUfNV2Hib')
  .describe('Stripe customer id, e.g. cus_NffrFeUfNV2Hib.');

const customerSample = {
  id: 'cus_NffrFeUfNV2Hib',
  object: 'customer',
  address: null,
  balance: 0,
  created: 1767225600,
  currency: null,
  default_source: null,
  delinquent: false,
  description: 'Signed up through the partner portal',
  email: 'ada@example.com',
  invoice_prefix: '0759376C',
  livemode: false,
  metadata: { tenantCustomerId: '42' },
  name: 'Ada Lovelace',
  phone: '+493012345678',
  preferred_locales: [],
  shipping: null,
  tax_exempt: 'none',
};

const createCustomer = defineAction({
  name: 'Create a customer',
  description: 'Creates a Stripe customer; the same step never creates two, even when retried.',
  props: z.object(customerFields),
  sample: customerSample,
  async run(ctx) {
    const stripe = stripeFor(ctx);
    return call(() => stripe.customers.create(ctx.props, { idempotencyKey: ctx.idempotencyKey }));
  },
});

const updateCustomer = defineAction({
  name: 'Update a customer',
  description: 'Changes a Stripe customer’s email, name, phone, description or metadata; fields left empty stay as they are.',
  props: z.object({ customerId, ...customerFields }),
  sample: { ...customerSample, email: 'ada.lovelace@example.com' },
  async run(ctx) {
    const stripe = stripeFor(ctx);
    const { customerId: id, ...changes } = ctx.props;
    // Updates are POSTs too: a key makes a retry after a lost answer harmless.
    return call(() => stripe.customers.update(id, changes, { idempotencyKey: ctx.idempotencyKey }));
  },
});

const createInvoiceItem = defineAction({
  name: 'Create an invoice item',
  description: 'Adds a line to the customer’s next invoice (or to a draft invoice).',
  props: z.object({
    customerId,
    amount: z.number().int().describe('Amount in the currency’s smallest unit, e.g. 4999 for €49.99; negative for a credit.'),
    currency: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'A three-letter ISO currency code such as eur')
      .transform((code) => code.toLowerCase())
      .describe('Three-letter ISO currency code, e.g. eur or usd.'),
    description: z.string().max(500).optional().describe('Text of the invoice line, e.g. "Consulting, March 2026".'),
    invoiceId: z
      .string()
      .trim()
      .regex(/^in_[A-Za-z0-9]+$/, 'A Stripe invoice id such as in_1MtHbELkdIwHu7ix')
      .optional()
      .describe('Draft invoice to add the line to; without it the line waits for the customer’s next invoice.'),
    metadata,
  }),
  sample: {
    id: 'ii_1MtGUtLkdIwHu7ixBYwjAM00',
    object: 'invoiceitem',
    amount: 4999,
    currency: 'eur',
    customer: 'cus_NffrFeUfNV2Hib',
    date: 1767225600,
    description: 'Consulting, March 2026',
    discountable: true,
    invoice: null,
    livemode: false,
    metadata: {},
    proration: false,
    quantity: 1,
  },
  async run(ctx) {
    const stripe = stripeFor(ctx);
    const { customerId: customer, invoiceId, ...rest } = ctx.props;
    return call(() => stripe.invoiceItems.create({ customer, invoice: invoiceId, ...rest }, { idempotencyKey: ctx.idempotencyKey }));
  },
});

/** Whether an event type is selected by patterns such as `invoice.paid`, `invoice.*` or `*`. */
export function eventTypeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))));
}

const event = defineTrigger({
  type: 'app_webhook',
  name: 'On a Stripe event',
  description: 'Starts the flow when Stripe reports an event on the connected account, e.g. a new customer or a paid invoice.',
  props: z.object({
    eventTypes: z
      .array(z.string().trim().regex(/^(?:\*|[a-z0-9_]+(?:\.[a-z0-9_]+)*(?:\.\*)?)$/, 'An event type such as invoice.paid, a family such as invoice.*, or *'))
      .min(1)
      .default(['*'])
      .describe('Event types that start the flow, e.g. customer.created or invoice.paid; invoice.* for a family, * for all.'),
  }),
  sample: {
    id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
    object: 'event',
    api_version: '2026-02-25.clover',
    created: 1767225600,
    type: 'customer.created',
    livemode: false,
    pending_webhooks: 1,
    request: { id: 'req_8f2c1aB3d4', idempotency_key: 'run_42:createCustomer' },
    data: { object: customerSample },
  },
  matches(props, inbound) {
    return typeof inbound.type === 'string' && eventTypeMatches(props.eventTypes, inbound.type);
  },
});

/**
 * "Test connection": retrieves the balance, a read-only call any full secret key may make. A restricted key
 * without access to the balance still proved that Stripe knows it, which is all this checks.
 */
export async function testStripeConnection(ctx: ConnectionTestContext): Promise<ConnectionTestResult> {
  if (ctx.auth?.kind !== 'bearer') return { ok: false, message: 'The connection has no secret key: replace its credentials.' };
  const accountId = typeof ctx.connection.metadata.stripeAccountId === 'string' ? ctx.connection.metadata.stripeAccountId : '';
  try {
    const balance = await stripeFor(ctx).balance.retrieve();
    const detail = `Stripe accepted the key (${balance.livemode ? 'live' : 'test'} mode).`;
    if (!accountId) return { ok: true, detail };
    // Events are routed to this connection by account id only once Stripe confirms the key reaches it.
    try {
      const account = await stripeFor(ctx).accounts.retrieve(accountId);
      return { ok: true, detail: `${detail} Events of ${account.id} will start this workspace's flows.`, routingKey: account.id };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError || error instanceof Stripe.errors.StripeInvalidRequestError) {
        return { ok: false, message: `This key cannot reach the Stripe account ${accountId}, so its events will not be routed here.` };
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof Stripe.errors.StripePermissionError) {
      return { ok: true, detail: 'Stripe accepted the key. It is a restricted key without access to the balance, which Conflux does not need.' };
    }
    if (error instanceof Stripe.errors.StripeAuthenticationError) return { ok: false, refused: true, message: `Stripe refused the key: ${error.message}` };
    return { ok: false, message: (stripeError(error) as Error).message };
  }
}

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#635bff"/><path fill="#fff" d="M11.2 9.4c0-.6.5-.9 1.3-.9 1.2 0 2.6.4 3.8 1V6.1a10 10 0 0 0-3.8-.7c-3.1 0-5.2 1.6-5.2 4.3 0 4.2 5.8 3.5 5.8 5.3 0 .7-.6 1-1.5 1-1.3 0-2.9-.5-4.2-1.2v3.5c1.4.6 2.9.9 4.2.9 3.2 0 5.4-1.6 5.4-4.3 0-4.5-5.8-3.7-5.8-5.5z"/></svg>';

export default defineConnector({
  id: 'stripe',
  name: 'Stripe',
  version: '0.1.0',
  description: 'Create and update Stripe customers, add invoice items, and react to Stripe events.',
  categories: ['payments', 'finance'],
  icon,
  auth: [{ kind: 'bearer', label: 'Secret key', help: 'A secret key (sk_live_…) or a restricted key (rk_live_…) with write access to Customers and Invoice items.' }],
  egress: { hosts: ['api.stripe.com'] },
  actions: { createCustomer, updateCustomer, createInvoiceItem },
  triggers: { event },
  connectionMetadata: [
    {
      key: 'stripeAccountId',
      label: 'Stripe account ID',
      description: 'The Stripe account (acct_…) whose events start this workspace’s “On a Stripe event” flows.',
      example: 'acct_1Nv0FGQ9RKHgCVdK',
    },
  ],
  test: testStripeConnection,
  appWebhook: {
    verify(request, secret, now = Date.now()): InboundEvent[] {
      const signature = request.headers['stripe-signature'];
      if (!signature) throw ConnectorError.permanent('The request has no Stripe-Signature header');
      let verified: Stripe.Event;
      try {
        verified = Stripe.webhooks.constructEvent(request.rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS, undefined, now);
      } catch (error) {
        throw ConnectorError.permanent(`Stripe signature check failed: ${(error as Error).message}`, { cause: error });
      }
      // Connect events name the connected account; the others concern the account that owns the endpoint.
      return [{ id: verified.id, type: verified.type, routingKey: verified.account ?? PLATFORM_ROUTING_KEY, payload: verified }];
    },
    routingKeyOf(connection) {
      const accountId = connection.metadata.stripeAccountId;
      return typeof accountId === 'string' && accountId ? accountId : undefined;
    },
  },
});
