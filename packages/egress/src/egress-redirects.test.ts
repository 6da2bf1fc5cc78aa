import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy.ts';
import { createEgress, type Egress, type EgressOptions } from './egress.ts';
import { EgressError } from './egress-error.ts';
import { readBody, startLocalServer, type LocalServer } from './local-server.test-support.ts';

const egresses: Egress[] = [];
function egress(options: EgressOptions = {}): Egress {
  const created = createEgress({ allow: ['127.0.0.1/32'], ...options });
  egresses.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(egresses.splice(0).map((e) => e.close()));
});

async function failure(promise: Promise<unknown>): Promise<EgressError> {
  const error = await promise.then(
    () => new Error('expected the call to be refused'),
    (e: unknown) => e,
  );
  if (!(error instanceof EgressError)) throw error;
  return error;
}

describe('redirects', () => {
  // `origin` redirects as its path says; `other` (another port, so another origin) echoes what it got.
  let origin: LocalServer;
  let other: LocalServer;
  let forbidden: LocalServer;
  beforeAll(async () => {
    other = await startLocalServer(async (req, res) => {
      const body = await readBody(req);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
    // Allowed by nobody in these tests: anything arriving here is a guard failure.
    forbidden = await startLocalServer((_req, res) => res.end('should never be reached'), { host: '127.0.0.2' });
    origin = await startLocalServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const to = url.searchParams.get('to');
      const status = Number(url.searchParams.get('status') ?? 302);
      const hops = Number(url.searchParams.get('hops') ?? 0);
      if (url.pathname === '/chain' && hops > 0) {
        res.writeHead(302, { location: `/chain?hops=${hops - 1}` }).end();
      } else if (url.pathname === '/echo') {
        const body = await readBody(req);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      } else if (to !== null) {
        res.writeHead(status, { location: to }).end('redirect body');
      } else {
        res.end('done');
      }
    });
  });
  afterAll(async () => {
    await Promise.all([origin.close(), other.close(), forbidden.close()]);
  });
  beforeEach(() => {
    forbidden.requests.length = 0;
  });
  const redirectTo = (to: string, status = 302) => origin.url(`/go?status=${status}&to=${encodeURIComponent(to)}`);

  it('refuses a redirect to the cloud metadata address', async () => {
    expect(createAddressPolicy(['127.0.0.1/32']).blockedReason('169.254.169.254')).toBeDefined();
    const error = await failure(egress().fetch(redirectTo('http://169.254.169.254/latest/meta-data/iam/security-credentials/')));
    expect(error.code).toBe('BLOCKED_ADDRESS');
  });

  it('refuses a redirect to an address outside the operator-allowed range, before connecting to it', async () => {
    const error = await failure(egress().fetch(redirectTo(forbidden.url('/'))));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(forbidden.requests).toHaveLength(0);
  });

  it('refuses a redirect to a name that resolves to a refused address', async () => {
    const e = egress({ lookup: async () => [{ address: '127.0.0.2', family: 4 }] });
    const error = await failure(e.fetch(redirectTo(`http://sneaky.example.test:${forbidden.port}/`)));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(forbidden.requests).toHaveLength(0);
  });

  it.each(['http://[::1]/', 'http://0x7f.2/', 'http://metadata.google.internal/', 'file:///etc/passwd', 'http://user:pw@127.0.0.1/'])(
    'refuses a redirect to %s',
    async (to) => {
      const error = await failure(egress().fetch(redirectTo(to)));
      expect(['BLOCKED_ADDRESS', 'BAD_URL']).toContain(error.code);
    },
  );

  it('refuses a redirect to a host outside the allowed hosts', async () => {
    const e = egress({ lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    const start = `http://api.stripe.test:${origin.port}/go?to=${encodeURIComponent(`http://evil.test:${other.port}/`)}`;
    const error = await failure(e.fetch(start, { allowedHosts: ['*.stripe.test'] }));
    expect(error.code).toBe('HOST_NOT_ALLOWED');
    expect(other.requests.filter((r) => r.headers.host?.startsWith('evil.test'))).toHaveLength(0);
  });

  it('follows up to five redirects and reports where it ended', async () => {
    const response = await egress().fetch(origin.url('/chain?hops=5'));
    expect(await response.text()).toBe('done');
    expect(response.redirected).toBe(true);
    expect(response.url).toBe(origin.url('/chain?hops=0'));
  });

  it('fails the sixth redirect with TOO_MANY_REDIRECTS', async () => {
    const error = await failure(egress().fetch(origin.url('/chain?hops=6')));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(error.retryable).toBe(false);
  });

  it('honours a lower maxRedirects and redirect: "error"', async () => {
    expect((await failure(egress({ maxRedirects: 1 }).fetch(origin.url('/chain?hops=2')))).code).toBe('TOO_MANY_REDIRECTS');
    expect((await failure(egress().fetch(origin.url('/chain?hops=1'), { redirect: 'error' }))).code).toBe('TOO_MANY_REDIRECTS');
  });

  it('hands the redirect itself back with redirect: "manual"', async () => {
    const response = await egress().fetch(redirectTo('http://169.254.169.254/'), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://169.254.169.254/');
  });

  it('strips Authorization and Cookie when a redirect changes origin', async () => {
    const response = await egress().fetch(redirectTo(other.url('/landing')), {
      headers: { authorization: 'Bearer sk_live_secret', cookie: 'session=abc', 'proxy-authorization': 'Basic x', 'x-request-id': 'r1' },
    });
    const seen = (await response.json()) as { headers: Record<string, string> };
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers['x-request-id']).toBe('r1');
  });

  it('strips operator-named credential headers too, and keeps all of them on a same-origin redirect', async () => {
    const e = egress({ credentialHeaders: ['X-Api-Key'] });
    const headers = { authorization: 'Bearer t', 'x-api-key': 'k' };
    const crossed = (await (await e.fetch(redirectTo(other.url('/')), { headers })).json()) as { headers: Record<string, string> };
    expect(crossed.headers['x-api-key']).toBeUndefined();
    const same = (await (await e.fetch(redirectTo('/echo'), { headers })).json()) as { headers: Record<string, string> };
    expect(same.headers.authorization).toBe('Bearer t');
    expect(same.headers['x-api-key']).toBe('k');
  });

  it('turns a POST into a GET without body on 303, and replays method and body on 307', async () => {
    const e = egress();
    const init = { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } };
    const after303 = (await (await e.fetch(redirectTo('/echo', 303), init)).json()) as { method: string; body: string; headers: Record<string, string> };
    expect(after303).toMatchObject({ method: 'GET', body: '' });
    expect(after303.headers['content-type']).toBeUndefined();
    const after307 = (await (await e.fetch(redirectTo('/echo', 307), init)).json()) as { method: string; body: string };
    expect(after307).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });
});
