/**
 * A small Stripe API on loopback that speaks Stripe's wire protocol for the calls Conflux makes:
 * form-encoded POSTs to /v1/customers, /v1/customers/:id and /v1/invoiceitems, GET /v1/balance, Bearer secret keys,
 * JSON objects and errors shaped like Stripe's, and Idempotency-Key semantics (the same key replays the
 * first response; the same key with other parameters is an idempotency error). The real `stripe` SDK is
 * pointed at it with `{ host, port, protocol: 'http' }`. There is no stripe-mock on these machines.
 */
import { startHttpServer, type RecordedRequest, type TestResponse } from './http-server.ts';

/** A call as the fake received it, parameters decoded from Stripe's bracket form encoding. */
export interface StripeCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, unknown>;
  /** True when the answer was replayed from an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** A running fake Stripe. */
export interface FakeStripe {
  url: string;
  host: string;
  port: number;
  calls: StripeCall[];
  customers: Map<string, Record<string, unknown>>;
  invoiceItems: Map<string, Record<string, unknown>>;
  /** The next request (of any kind) gets this answer instead; not stored under its idempotency key, as Stripe does not store 429s and 5xx. */
  failNext(status: number, error: Record<string, unknown>, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** Decodes `metadata[plan]=pro&expand[0]=x` into nested objects (arrays come out as index-keyed objects). */
export function decodeStripeForm(body: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = result;
    path.forEach((segment, index) => {
      if (index === path.length - 1) node[segment] = value;
      else node = (node[segment] ??= {}) as Record<string, unknown>;
    });
  }
  return result;
}

const stripeError = (status: number, error: Record<string, unknown>): TestResponse => ({ status, body: { error } });

/** Starts the fake; `secretKey` is the one key it accepts. */
export async function startFakeStripe(options: { secretKey?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? 'sk_test_conflux';
  const calls: StripeCall[] = [];
  const customers = new Map<string, Record<string, unknown>>();
  const invoiceItems = new Map<string, Record<string, unknown>>();
  const idempotent = new Map<string, { fingerprint: string; response: TestResponse }>();
  const forced: TestResponse[] = [];
  let sequence = 0;
  const nextId = (prefix: string) => `${prefix}_${(++sequence).toString().padStart(14, '0')}`;
  const now = () => Math.floor(Date.now() / 1000);

  function mergeMetadata(target: Record<string, unknown>, metadata: unknown): void {
    if (typeof metadata !== 'object' || metadata === null) return;
    const merged = { ...(target.metadata as Record<string, string>) };
    // Stripe unsets a metadata key given an empty string.
    for (const [key, value] of Object.entries(metadata)) {
      if (value === '') delete merged[key];
      else merged[key] = String(value);
    }
    target.metadata = merged;
  }

  function route(method: string, path: string, params: Record<string, unknown>): TestResponse {
    if (method === 'GET' && path === '/v1/balance') {
      return { body: { object: 'balance', available: [{ amount: 0, currency: 'eur', source_types: { card: 0 } }], pending: [{ amount: 0, currency: 'eur', source_types: { card: 0 } }], livemode: false } };
    }
    const account = /^\/v1\/accounts\/(acct_[A-Za-z0-9]+)$/.exec(path);
    if (method === 'GET' && account) {
      // Any acct_ id the fake knows about; the others do not exist for this key.
      if (account[1]!.startsWith('acct_unknown')) return stripeError(404, { type: 'invalid_request_error', message: `No such account: '${account[1]}'` });
      return { body: { id: account[1], object: 'account', charges_enabled: true, country: 'FR' } };
    }
    if (method !== 'POST') return stripeError(405, { type: 'invalid_request_error', message: `Unsupported method ${method}` });
    if (path === '/v1/customers') {
      const customer: Record<string, unknown> = {
        id: nextId('cus'),
        object: 'customer',
        address: null,
        balance: 0,
        created: now(),
        currency: null,
        default_source: null,
        delinquent: false,
        description: params.description ?? null,
        email: params.email ?? null,
        invoice_prefix: `F${sequence.toString(16).toUpperCase().padStart(7, '0')}`,
        livemode: false,
        metadata: {},
        name: params.name ?? null,
        phone: params.phone ?? null,
        preferred_locales: [],
        shipping: null,
        tax_exempt: 'none',
      };
      mergeMetadata(customer, params.metadata);
      customers.set(customer.id as string, customer);
      return { body: customer };
    }
    const customerPath = /^\/v1\/customers\/([^/]+)$/.exec(path);
    if (customerPath) {
      const id = decodeURIComponent(customerPath[1]!);
      const customer = customers.get(id);
      if (!customer) return stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such customer: '${id}'` });
      for (const field of ['description', 'email', 'name', 'phone'] as const) {
        if (field in params) customer[field] = params[field] === '' ? null : params[field];
      }
      mergeMetadata(customer, params.metadata);
      return { body: customer };
    }
    if (path === '/v1/invoiceitems') {
      const customer = String(params.customer ?? '');
      if (!customers.has(customer)) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'customer', message: `No such customer: '${customer}'` });
      if (params.amount === undefined || params.currency === undefined) {
        return stripeError(400, { type: 'invalid_request_error', code: 'parameter_missing', param: params.amount === undefined ? 'amount' : 'currency', message: 'Missing required param' });
      }
      const item: Record<string, unknown> = {
        id: nextId('ii'),
        object: 'invoiceitem',
        amount: Number(params.amount),
        currency: String(params.currency),
        customer,
        date: now(),
        description: params.description ?? null,
        discountable: true,
        invoice: params.invoice ?? null,
        livemode: false,
        metadata: {},
        proration: false,
        quantity: 1,
      };
      mergeMetadata(item, params.metadata);
      invoiceItems.set(item.id as string, item);
      return { body: item };
    }
    return stripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
  }

  function handle(request: RecordedRequest): TestResponse {
    const path = request.path.split('?')[0]!;
    const params = decodeStripeForm(request.body);
    const key = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : undefined;
    const call: StripeCall = { method: request.method, path, idempotencyKey: key, params, replayed: false };
    calls.push(call);
    const failure = forced.shift();
    if (failure) return failure;
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      return stripeError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' });
    }
    if (!key || request.method !== 'POST') return withRequestId(route(request.method, path, params));
    const fingerprint = `${request.method} ${path} ${request.body}`;
    const earlier = idempotent.get(key);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        return withRequestId(stripeError(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` }));
      }
      call.replayed = true;
      return { ...earlier.response, headers: { ...earlier.response.headers, 'idempotent-replayed': 'true' } };
    }
    const response = withRequestId(route(request.method, path, params));
    idempotent.set(key, { fingerprint, response: structuredClone(response) });
    return response;
  }

  const server = await startHttpServer(handle);
  const { hostname, port } = new URL(server.url);
  return {
    url: server.url,
    host: hostname,
    port: Number(port),
    calls,
    customers,
    invoiceItems,
    failNext(status, error, headers = {}) {
      forced.push({ status, headers, body: { error } });
    },
    close: () => server.close(),
  };
}

function withRequestId(response: TestResponse): TestResponse {
  return { ...response, headers: { 'request-id': `req_${Math.random().toString(36).slice(2, 16)}`, ...response.headers } };
}
