import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, connectorManifest, type AuthValue } from '@conflux/connector-sdk';
import { connectionTestContext, egressRefusal, memoryStore, refusingFetch, runAction } from '../../../test/support/connector-context.ts';
import { startHttpServer, type RecordedRequest, type TestResponse, type TestServer } from '../../../test/support/http-server.ts';
import http, { testHttpConnection } from './index.ts';

const request = http.actions.request!;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function server(handler: (request: RecordedRequest) => TestResponse | Promise<TestResponse> = () => ({ body: { ok: true } })): Promise<TestServer> {
  const started = await startHttpServer(handler);
  cleanups.push(() => started.close());
  return started;
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('http connector: request', () => {
  it('sends a GET with query parameters and parses a JSON answer', async () => {
    const api = await server(() => ({ body: { orders: [{ id: 'ord_1' }] }, headers: { 'x-request-id': 'req_1' } }));
    const result = await runAction(request, { url: `${api.url}/v1/orders?status=open`, query: { limit: 10, expand: 'lines' } }, { fetch: globalThis.fetch });

    expect(result).toMatchObject({ status: 200, body: { orders: [{ id: 'ord_1' }] }, headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' } });
    const [seen] = api.requests;
    expect(seen?.method).toBe('GET');
    expect(seen?.path).toBe('/v1/orders?status=open&limit=10&expand=lines');
    // A GET changes nothing, so it carries no idempotency key.
    expect(seen?.headers['idempotency-key']).toBeUndefined();
  });

  it('POSTs a JSON body with the step’s idempotency key', async () => {
    const api = await server(() => ({ status: 201, body: { id: 'ord_1042' } }));
    const result = await runAction(
      request,
      { method: 'POST', url: `${api.url}/v1/orders`, headers: { 'X-Tenant': 'acme' }, body: { sku: 'A-1', qty: 2 } },
      { idempotencyKey: 'run_42:createOrder' },
    );

    expect(result).toMatchObject({ status: 201, body: { id: 'ord_1042' } });
    const [seen] = api.requests;
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['x-tenant']).toBe('acme');
    expect(seen?.headers['idempotency-key']).toBe('run_42:createOrder');
    expect(JSON.parse(seen?.body ?? '')).toEqual({ sku: 'A-1', qty: 2 });
  });

  it('keeps an Idempotency-Key the step set itself', async () => {
    const api = await server();
    await runAction(request, { method: 'DELETE', url: `${api.url}/v1/orders/1`, headers: { 'Idempotency-Key': 'mine' } }, { idempotencyKey: 'run_1:s' });
    expect(api.requests[0]?.headers['idempotency-key']).toBe('mine');
  });

  it('encodes form and text bodies, and sends JSON text verbatim', async () => {
    const api = await server(() => ({ body: 'accepted', headers: { 'content-type': 'text/plain' } }));
    const form = await runAction(request, { method: 'POST', url: api.url, bodyType: 'form', body: { name: 'Ada Lovelace', tags: ['a', 'b'], skip: null } });
    await runAction(request, { method: 'PUT', url: api.url, bodyType: 'text', body: 'hello\nworld' });
    await runAction(request, { method: 'PATCH', url: api.url, body: '{"already":"serialised"}' });

    expect(form).toMatchObject({ status: 200, body: 'accepted' });
    expect(api.requests.map((r) => [r.headers['content-type'], r.body])).toEqual([
      ['application/x-www-form-urlencoded', 'name=Ada+Lovelace&tags=a&tags=b'],
      ['text/plain; charset=utf-8', 'hello\nworld'],
      ['application/json', '{"already":"serialised"}'],
    ]);
  });

  it('returns an empty body as null and a mislabelled JSON body as text', async () => {
    let answer: TestResponse = { status: 204 };
    const api = await server(() => answer);
    expect(await runAction(request, { method: 'DELETE', url: api.url })).toMatchObject({ status: 204, body: null });
    answer = { body: '{broken', headers: { 'content-type': 'application/json' } };
    expect(await runAction(request, { url: api.url })).toMatchObject({ body: '{broken' });
  });

  it('refuses bodies it cannot send before calling anyone', async () => {
    const api = await server();
    const onGet = await failure(runAction(request, { method: 'GET', url: api.url, body: { a: 1 } }));
    expect(onGet).toMatchObject({ kind: 'permanent', message: expect.stringContaining('cannot carry a body') });
    const notJson = await failure(runAction(request, { method: 'POST', url: api.url, body: 'plain words' }));
    expect(notJson).toMatchObject({ kind: 'permanent', message: expect.stringContaining('not valid JSON') });
    const nested = await failure(runAction(request, { method: 'POST', url: api.url, bodyType: 'form', body: { a: { b: 1 } } }));
    expect(nested.kind).toBe('permanent');
    expect(api.requests).toEqual([]);
  });

  it('rejects URLs that are not http(s) at validation time', () => {
    expect(request.props.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(request.props.safeParse({ url: 'https://api.example.com/x' }).success).toBe(true);
  });

  describe('connection auth', () => {
    const cases: Array<[string, AuthValue, string, string]> = [
      ['api_key', { kind: 'api_key', apiKey: 'k_123', placement: 'header', name: 'X-API-Key' }, 'x-api-key', 'k_123'],
      ['bearer', { kind: 'bearer', token: 'tok_abc' }, 'authorization', 'Bearer tok_abc'],
      ['basic', { kind: 'basic', username: 'ada', password: 'pa:ss' }, 'authorization', `Basic ${Buffer.from('ada:pa:ss').toString('base64')}`],
      ['oauth2 with a platform token', { kind: 'oauth2', accessToken: 'at_1', tokenType: 'Bearer' }, 'authorization', 'Bearer at_1'],
    ];
    for (const [kind, auth, header, value] of cases) {
      it(`applies ${kind}, overriding a header of the same name`, async () => {
        const api = await server();
        await runAction(request, { url: api.url, headers: { [header]: 'from-the-step' } }, { auth });
        expect(api.requests[0]?.headers[header]).toBe(value);
      });
    }

    it('puts a query-placed API key in the URL but never in error messages', async () => {
      const api = await server(() => ({ status: 400, body: { error: 'bad' } }));
      const error = await failure(runAction(request, { url: `${api.url}/v1/x` }, { auth: { kind: 'api_key', apiKey: 'secret_k', placement: 'query', name: 'api_key' } }));
      expect(api.requests[0]?.path).toBe('/v1/x?api_key=secret_k');
      expect(error.message).not.toContain('secret_k');
    });
  });

  describe('OAuth2 client credentials', () => {
    const auth: AuthValue = { kind: 'oauth2', accessToken: '', tokenType: 'Bearer', clientId: 'client 1', clientSecret: 's3cret', scope: 'orders:write' };

    async function oauthServer(options: { tokenStatus?: number; apiStatus?: () => number } = {}) {
      let issued = 0;
      const api = await server((req) => {
        if (req.path === '/oauth/token') {
          if (options.tokenStatus) return { status: options.tokenStatus, body: { error: 'invalid_client', error_description: 'Unknown client' } };
          issued += 1;
          return { body: { access_token: `at_${issued}`, token_type: 'bearer', expires_in: 3600 } };
        }
        return { status: options.apiStatus?.() ?? 200, body: { authorization: req.headers.authorization } };
      });
      return api;
    }

    it('fetches a token once, caches it in the connection store and applies it', async () => {
      const api = await oauthServer();
      const store = memoryStore();
      const props = { method: 'POST', url: `${api.url}/v1/orders`, body: {}, tokenUrl: `${api.url}/oauth/token` };
      const first = await runAction(request, props, { auth, store });
      const second = await runAction(request, props, { auth, store });

      expect(first).toMatchObject({ body: { authorization: 'Bearer at_1' } });
      expect(second).toMatchObject({ body: { authorization: 'Bearer at_1' } });
      const tokenCalls = api.requests.filter((r) => r.path === '/oauth/token');
      expect(tokenCalls).toHaveLength(1);
      expect(tokenCalls[0]?.body).toBe('grant_type=client_credentials&scope=orders%3Awrite');
      expect(tokenCalls[0]?.headers.authorization).toBe(`Basic ${Buffer.from('client+1:s3cret').toString('base64')}`);
      // Cached until a minute before expiry.
      const cached = [...store.entries.values()][0];
      expect(cached?.expiresAt).toBeGreaterThan(Date.now() + 3_400_000);
    });

    it('drops a refused token so that the next attempt fetches a new one', async () => {
      let status = 401;
      const api = await oauthServer({ apiStatus: () => status });
      const store = memoryStore();
      const props = { url: `${api.url}/v1/orders`, tokenUrl: `${api.url}/oauth/token` };
      expect((await failure(runAction(request, props, { auth, store }))).kind).toBe('auth');
      status = 200;
      expect(await runAction(request, props, { auth, store })).toMatchObject({ body: { authorization: 'Bearer at_2' } });
    });

    it('classifies a refused client as an auth problem, and asks for the token URL when missing', async () => {
      const api = await oauthServer({ tokenStatus: 400 });
      const refused = await failure(runAction(request, { url: api.url, tokenUrl: `${api.url}/oauth/token` }, { auth }));
      expect(refused).toMatchObject({ kind: 'auth', message: expect.stringContaining('invalid_client: Unknown client') });
      const missing = await failure(runAction(request, { url: api.url }, { auth }));
      expect(missing).toMatchObject({ kind: 'permanent', message: expect.stringContaining('Token URL') });
    });
  });

  describe('failures', () => {
    it('429 with Retry-After is rate limited', async () => {
      const api = await server(() => ({ status: 429, headers: { 'retry-after': '7' }, body: { error: 'slow down' } }));
      const error = await failure(runAction(request, { url: api.url }));
      expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
      expect(error.message).toContain('429');
    });

    for (const status of [500, 503, 408]) {
      it(`${status} is retryable`, async () => {
        const api = await server(() => ({ status, body: 'upstream trouble' }));
        expect(await failure(runAction(request, { url: api.url }))).toMatchObject({ kind: 'retryable', details: { status } });
      });
    }

    for (const status of [401, 403]) {
      it(`${status} asks for a reconnect`, async () => {
        const api = await server(() => ({ status, body: { error: 'invalid token' } }));
        expect((await failure(runAction(request, { url: api.url }))).kind).toBe('auth');
      });
    }

    it('other 4xx are permanent, with the status and a short body excerpt in the message', async () => {
      const api = await server(() => ({ status: 422, body: { error: 'sku unknown', detail: 'x'.repeat(1000) } }));
      const error = await failure(runAction(request, { method: 'POST', url: `${api.url}/v1/orders`, body: { sku: 'nope' } }));
      expect(error.kind).toBe('permanent');
      expect(error.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/v1\/orders answered 422 Unprocessable Entity: \{"error":"sku unknown"/);
      expect(error.message.length).toBeLessThan(450);
    });

    it('a refused connection is retryable', async () => {
      const api = await server();
      await api.close();
      const error = await failure(runAction(request, { url: `${api.url}/v1/orders` }));
      expect(error.kind).toBe('retryable');
      expect(error.message).toContain('failed before a response');
    });

    it('passes the guarded fetch’s own errors on untouched', async () => {
      for (const refusal of [egressRefusal(), ConnectorError.permanent('Egress to 10.0.0.1 is not allowed')]) {
        const error = await runAction(request, { url: 'http://10.0.0.1/' }, { fetch: refusingFetch(refusal) }).catch((e: unknown) => e);
        expect(error).toBe(refusal);
      }
    });
  });

  it('has a manifest the catalogue can render', () => {
    const manifest = connectorManifest(http);
    expect(manifest.auth.map((a) => a.kind)).toEqual(['none', 'api_key', 'bearer', 'basic', 'oauth2']);
    expect(manifest.egress.hosts).toEqual(['*']);
    expect(manifest.actions[0]?.props).toMatchObject({ properties: { url: { description: expect.any(String) } } });
  });
});

describe('http connector: connection test', () => {
  const bearer: AuthValue = { kind: 'bearer', token: 'secret-token' };
  const api = () => server((r) => (r.headers.authorization === 'Bearer secret-token' ? { body: { id: 'me' } } : { status: 401, body: { error: 'unauthorized' } }));

  it('GETs the test URL with the connection’s credentials', async () => {
    const target = await api();
    expect(http.test).toBe(testHttpConnection);
    const result = await testHttpConnection(connectionTestContext({ auth: bearer, metadata: { testUrl: `${target.url}/v1/me?x=1` } }));
    expect(result).toEqual({ ok: true, detail: `GET ${target.url}/v1/me answered 200 OK.` });
    expect(target.requests[0]).toMatchObject({ method: 'GET', path: '/v1/me?x=1' });
  });

  it('says that the API refused the credentials, without echoing a query-string key', async () => {
    const target = await api();
    const apiKey: AuthValue = { kind: 'api_key', apiKey: 'k-123456', placement: 'query', name: 'key' };
    const result = await testHttpConnection(connectionTestContext({ auth: apiKey, metadata: { testUrl: `${target.url}/v1/me` } }));
    expect(result).toEqual({ ok: false, refused: true, message: `GET ${target.url}/v1/me answered 401 Unauthorized: the API refused these credentials.` });
    expect(target.requests[0]?.path).toBe('/v1/me?key=k-123456');
  });

  it('checks nothing without a test URL, refuses a bad one, and reports a refused address', async () => {
    expect(await testHttpConnection(connectionTestContext({ auth: bearer }))).toMatchObject({ ok: true, skipped: true });
    expect(await testHttpConnection(connectionTestContext({ auth: bearer, metadata: { testUrl: 'ftp://x' } }))).toMatchObject({ ok: false });
    const refused = await testHttpConnection(connectionTestContext({ auth: bearer, metadata: { testUrl: 'http://10.0.0.1/me' }, fetch: refusingFetch(egressRefusal()) }));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('not a public address') });
  });
});
