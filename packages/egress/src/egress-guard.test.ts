import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy.ts';
import { createEgress, type Egress, type EgressOptions } from './egress.ts';
import { EgressError } from './egress-error.ts';
import type { EgressLookup } from './guarded-connect.ts';
import { startLocalServer, type LocalServer } from './local-server.test-support.ts';

// Every request in these tests goes to a loopback server of the test's own, or is refused before a
// socket exists. Addresses outside loopback appear only where the refusal is asserted first.

const egresses: Egress[] = [];
function egress(options: EgressOptions = {}): Egress {
  const created = createEgress(options);
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

const fixed =
  (...addresses: string[]): EgressLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('egress guard', () => {
  let server: LocalServer;
  let v6server: LocalServer | undefined;
  beforeAll(async () => {
    server = await startLocalServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, userAgent: req.headers['user-agent'] }));
    });
    // A server on ::1 makes the [::1] refusal meaningful; machines without IPv6 loopback skip it.
    v6server = await startLocalServer((_req, res) => res.end('v6'), { host: '::1' }).catch(() => undefined);
  });
  afterAll(async () => {
    await server.close();
    await v6server?.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    v6server?.requests.splice(0);
  });

  it('refuses loopback by default, before anything reaches the server', async () => {
    const error = await failure(egress().fetch(server.url('/')));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses localhost, which resolves to loopback', async () => {
    expect((await failure(egress().fetch(`http://localhost:${server.port}/`))).code).toBe('BLOCKED_ADDRESS');
    expect(server.requests).toHaveLength(0);
  });

  it('reaches loopback when the operator allows 127.0.0.0/8, returning a standard Response', async () => {
    const response = await egress({ allow: ['127.0.0.0/8'] }).fetch(server.url('/hello?x=1'));
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.url).toBe(server.url('/hello?x=1'));
    expect(response.redirected).toBe(false);
    expect(await response.json()).toEqual({ path: '/hello?x=1', userAgent: 'Conflux/0.1' });
  });

  it('keeps a caller-set user-agent', async () => {
    const response = await egress({ allow: ['127.0.0.0/8'] }).fetch(server.url('/'), { headers: { 'user-agent': 'stripe-connector/2' } });
    expect(await response.json()).toMatchObject({ userAgent: 'stripe-connector/2' });
  });

  it('reuses pooled keep-alive connections', async () => {
    const e = egress({ allow: ['127.0.0.0/8'] });
    const local = await startLocalServer((_req, res) => res.end('ok'));
    try {
      for (let i = 0; i < 10; i += 1) expect(await (await e.fetch(local.url('/'))).text()).toBe('ok');
      // undici may open a second socket while the first is being released; after that, reuse.
      expect(local.connections).toBeLessThanOrEqual(2);
    } finally {
      await local.close();
    }
  });

  it.each([
    'http://2130706433:PORT/',
    'http://0177.0.0.1:PORT/',
    'http://0x7f.1:PORT/',
    'http://0x7f000001:PORT/',
    'http://017700000001:PORT/',
    'http://127.1:PORT/',
    'http://127.0.1:PORT/',
    'http://127.0.0.1.:PORT/',
    'http://%31%32%37.0.0.1:PORT/',
    'http://0:PORT/',
    'http://0.0.0.0:PORT/',
    'http://[::1]:PORT/',
    'http://[0:0:0:0:0:0:0:1]:PORT/',
    'http://[::]:PORT/',
    'http://[::ffff:127.0.0.1]:PORT/',
    'http://[::ffff:7f00:1]:PORT/',
    'http://[64:ff9b::127.0.0.1]:PORT/',
    'http://[2002:7f00:1::1]:PORT/',
    'HTTP://LOCALHOST:PORT/',
  ])('refuses the numeric-host trick %s', async (template) => {
    const error = await failure(egress().fetch(template.replace('PORT', String(server.port))));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(server.requests).toHaveLength(0);
    expect(v6server?.requests ?? []).toHaveLength(0);
  });

  it('normalises numeric hosts the way the socket reads them', async () => {
    // Allowed, the same tricks land on 127.0.0.1: the guard judged the address that was connected to.
    const e = egress({ allow: ['127.0.0.0/8'] });
    for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1']) {
      expect((await e.fetch(`http://${host}:${server.port}/`)).status).toBe(200);
    }
  });

  it('refuses names that resolve to ::1 or ::ffff:127.0.0.1', async () => {
    for (const address of ['::1', '::ffff:127.0.0.1']) {
      const error = await failure(egress({ lookup: fixed(address) }).fetch(`http://api.example.test:${server.port}/`));
      expect(error.code).toBe('BLOCKED_ADDRESS');
    }
  });

  it('refuses the cloud metadata address and names', async () => {
    // The pure policy must agree first, so no packet can ever head for the link-local range from here.
    expect(createAddressPolicy().blockedReason('169.254.169.254')).toBeDefined();
    const lookups: string[] = [];
    const e = egress({ lookup: async (host) => (lookups.push(host), []) });
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://metadata.google.internal./computeMetadata/v1/',
      'http://metadata/computeMetadata/v1/',
    ]) {
      expect((await failure(e.fetch(url))).code).toBe('BLOCKED_ADDRESS');
    }
    expect(lookups).toEqual([]);
  });

  it('refuses a name resolving to the metadata address even when the name itself is innocent', async () => {
    const error = await failure(egress({ lookup: fixed('169.254.169.254') }).fetch('http://totally-public.example.test/'));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).not.toContain('169.254');
  });

  describe('DNS rebinding', () => {
    it('re-checks at connect time: an address vetted earlier proves nothing', async () => {
      // A rebinding resolver: public for the first question (a save-time check), loopback afterwards.
      const answers = ['93.184.216.34', '127.0.0.1'];
      const asked: string[] = [];
      const lookup: EgressLookup = async (host) => {
        asked.push(host);
        const address = answers[Math.min(asked.length - 1, answers.length - 1)]!;
        return [{ address, family: 4 }];
      };
      const e = egress({ lookup });
      await e.check(`http://rebind.example.test:${server.port}/`);
      expect(asked).toHaveLength(1);
      const error = await failure(e.fetch(`http://rebind.example.test:${server.port}/`));
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(asked).toHaveLength(2);
      expect(server.requests).toHaveLength(0);
    });

    it('checks each new connection: a name that moves to a refused address is refused on the next connect', async () => {
      const allowed = await startLocalServer((_req, res) => res.writeHead(200, { connection: 'close' }).end('allowed'), { host: '127.0.0.2' });
      // The same port on 127.0.0.1: a broken guard would reach it.
      const target = await startLocalServer((_req, res) => res.end('target'), { port: allowed.port });
      try {
        let calls = 0;
        const lookup: EgressLookup = async () => [{ address: calls++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
        const e = egress({ allow: ['127.0.0.2/32'], lookup });
        const url = `http://moving.example.test:${allowed.port}/`;
        expect(await (await e.fetch(url)).text()).toBe('allowed');
        expect((await failure(e.fetch(url))).code).toBe('BLOCKED_ADDRESS');
        expect(target.requests).toHaveLength(0);
        expect(calls).toBe(2);
      } finally {
        await allowed.close();
        await target.close();
      }
    });

    it('refuses a name with one public and one refused answer', async () => {
      const e = egress({ allow: ['127.0.0.2/32'], lookup: fixed('127.0.0.2', '127.0.0.1') });
      expect((await failure(e.fetch(`http://mixed.example.test:${server.port}/`))).code).toBe('BLOCKED_ADDRESS');
      expect(server.requests).toHaveLength(0);
    });

    it('connects through the injected resolver, not the system one', async () => {
      const e = egress({ allow: ['127.0.0.0/8'], lookup: fixed('127.0.0.1') });
      expect((await e.fetch(`http://only-in-this-test.invalid:${server.port}/`)).status).toBe(200);
    });
  });

  describe('allowed hosts', () => {
    const e = () => egress({ allow: ['127.0.0.0/8'], lookup: fixed('127.0.0.1') });

    it.each(['api.stripe.test', 'files.eu.stripe.test'])('lets %s through *.stripe.test', async (host) => {
      const response = await e().fetch(`http://${host}:${server.port}/`, { allowedHosts: ['*.stripe.test'] });
      expect(response.status).toBe(200);
    });

    it.each(['stripe.test', 'evilstripe.test', 'stripe.test.evil.test', '127.0.0.1'])('refuses %s outside *.stripe.test', async (host) => {
      const before = server.requests.length;
      const error = await failure(e().fetch(`http://${host}:${server.port}/`, { allowedHosts: ['*.stripe.test'] }));
      expect(error.code).toBe('HOST_NOT_ALLOWED');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(host);
      expect(server.requests).toHaveLength(before);
    });

    it('uses the operator default list when a call passes none', async () => {
      const scoped = egress({ allow: ['127.0.0.0/8'], lookup: fixed('127.0.0.1'), allowedHosts: ['api.example.test'] });
      expect((await scoped.fetch(`http://api.example.test:${server.port}/`)).status).toBe(200);
      expect((await failure(scoped.fetch(`http://other.example.test:${server.port}/`))).code).toBe('HOST_NOT_ALLOWED');
    });
  });

  describe('URLs and calls', () => {
    it('refuses credentials in the URL and non-http schemes', async () => {
      const e = egress({ allow: ['127.0.0.0/8'] });
      expect((await failure(e.fetch(`http://user:pass@127.0.0.1:${server.port}/`))).code).toBe('BAD_URL');
      expect((await failure(e.fetch('file:///etc/passwd'))).code).toBe('BAD_URL');
      expect((await failure(e.fetch('data:text/plain,hello'))).code).toBe('BAD_URL');
      expect(server.requests).toHaveLength(0);
    });

    it('ignores a caller-supplied dispatcher: the guarded agent is the only way out', async () => {
      const init = { dispatcher: new Agent() } as RequestInit;
      expect((await failure(egress().fetch(server.url('/'), init))).code).toBe('BLOCKED_ADDRESS');
      expect(server.requests).toHaveLength(0);
    });

    it('accepts a Request as input, with its method, headers and body', async () => {
      const echo = await startLocalServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body: Buffer.concat(chunks).toString() }));
      });
      try {
        const request = new Request(echo.url('/x'), { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
        const response = await egress({ allow: ['127.0.0.0/8'] }).fetch(request);
        expect(await response.json()).toEqual({ method: 'PUT', type: 'text/csv', body: 'a,b' });
      } finally {
        await echo.close();
      }
    });

    it('keeps secrets out of error messages', async () => {
      const error = await failure(
        egress({ lookup: fixed('10.0.0.8') }).fetch('https://internal.example.test/v1/charges?api_key=sk_live_secret', {
          headers: { authorization: 'Bearer sk_live_secret' },
        }),
      );
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(`${error.message} ${String(error.stack)}`).not.toMatch(/sk_live_secret|api_key|charges|10\.0\.0\.8/);
    });

    it('does not quote an invalid header value, which may be a token', async () => {
      const call = egress().fetch('https://api.example.test/', { headers: { authorization: 'Bearer sk_live_secret\nx' } });
      const error = await call.then(
        () => expect.unreachable(),
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect(`${error.message} ${String(error.cause)}`).not.toContain('sk_live_secret');
    });

    it('reports a refused connection as a retryable network error', async () => {
      const closed = await startLocalServer((_req, res) => res.end());
      await closed.close();
      const error = await failure(egress({ allow: ['127.0.0.0/8'] }).fetch(closed.url('/')));
      expect(error.code).toBe('NETWORK');
      expect(error.retryable).toBe(true);
    });

    it('check() refuses blocked, unlisted and malformed targets without a request', async () => {
      const e = egress({ lookup: fixed('192.168.0.10') });
      expect((await failure(e.check('http://router.example.test/'))).code).toBe('BLOCKED_ADDRESS');
      expect((await failure(e.check('http://127.0.0.1/'))).code).toBe('BLOCKED_ADDRESS');
      expect((await failure(e.check('http://api.other.test/', { allowedHosts: ['*.stripe.test'] }))).code).toBe('HOST_NOT_ALLOWED');
      expect((await failure(e.check('ftp://example.test/'))).code).toBe('BAD_URL');
    });
  });
});
