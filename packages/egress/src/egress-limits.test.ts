import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEgress, type Egress, type EgressOptions } from './egress.ts';
import { EgressError } from './egress-error.ts';
import { startLocalServer, type LocalServer } from './local-server.test-support.ts';

const egresses: Egress[] = [];
function egress(options: EgressOptions = {}): Egress {
  const created = createEgress({ allow: ['127.0.0.0/8'], ...options });
  egresses.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(egresses.splice(0).map((e) => e.close()));
});

async function failure(promise: Promise<unknown>): Promise<EgressError> {
  const error = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof EgressError)) throw error;
  return error;
}

const MB = 1024 * 1024;
// 20 MB of zeros squeezed into ~20 KB: a small transfer that would inflate past the cap.
const gzipBomb = gzipSync(Buffer.alloc(20 * MB));

// Writes `total` bytes in 64 KiB chunks, honouring backpressure, and records how much the socket took.
function stream(res: ServerResponse, total: number, sent: { bytes: number }) {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const pump = () => {
    while (sent.bytes < total && !res.destroyed) {
      sent.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

describe('limits', () => {
  let server: LocalServer;
  const sent = { bytes: 0 };
  beforeAll(async () => {
    server = await startLocalServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      switch (url.pathname) {
        case '/slow-headers':
          setTimeout(() => res.end('late'), 2_000).unref();
          return;
        case '/slow-body':
          res.writeHead(200);
          res.write('first part, then silence');
          return;
        case '/big':
          sent.bytes = 0;
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          stream(res, 20 * MB, sent);
          return;
        case '/big-declared':
          res.writeHead(200, { 'content-length': String(20 * MB) });
          res.write(Buffer.alloc(1024));
          return;
        case '/gzip-bomb':
          res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gzipBomb.length) });
          res.end(gzipBomb);
          return;
        case '/sized':
          // Chunked, no content-length: the cap has to be enforced while streaming.
          res.write(Buffer.alloc(Number(url.searchParams.get('n')), 0x62));
          res.end();
          return;
        default:
          req.resume();
          req.on('end', () => res.end('ok'));
      }
    });
  });
  afterAll(() => server.close());

  describe('timeouts', () => {
    it('fails with a retryable TIMEOUT when headers do not arrive in time', async () => {
      const started = performance.now();
      const error = await failure(egress({ timeoutMs: 200 }).fetch(server.url('/slow-headers')));
      expect(error.code).toBe('TIMEOUT');
      expect(error.retryable).toBe(true);
      expect(performance.now() - started).toBeLessThan(1_500);
    });

    it('lets a call lower the timeout, not raise it', async () => {
      const e = egress({ timeoutMs: 200 });
      const started = performance.now();
      expect((await failure(e.fetch(server.url('/slow-headers'), { timeoutMs: 60_000 }))).code).toBe('TIMEOUT');
      expect(performance.now() - started).toBeLessThan(1_500);
    });

    it('bounds reading the body too: a stalled body fails with TIMEOUT', async () => {
      const response = await egress({ timeoutMs: 300 }).fetch(server.url('/slow-body'));
      expect(response.status).toBe(200);
      const error = await failure(response.text());
      expect(error.code).toBe('TIMEOUT');
    });

    it('releases the socket of a body nobody reads once the timeout passes', async () => {
      const started = performance.now();
      const response = await egress({ timeoutMs: 200 }).fetch(server.url('/slow-body'));
      expect(response.status).toBe(200);
      const socketClosed = new Promise<void>((resolve) => server.requests.at(-1)!.socket.once('close', () => resolve()));
      await expect(socketClosed).resolves.toBeUndefined();
      // Closed by the call's timeout, not by the server's own idle timers (seconds to minutes).
      expect(performance.now() - started).toBeLessThan(1_500);
    });

    it('times out a request body stream that never ends', async () => {
      const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined) });
      const init = { method: 'POST', body: endless, duplex: 'half', timeoutMs: 150 } as RequestInit;
      expect((await failure(egress().fetch(server.url('/'), init))).code).toBe('TIMEOUT');
    });

    it('fails with TIMEOUT when connecting takes too long (a resolver that never answers)', async () => {
      const e = egress({ connectTimeoutMs: 150, lookup: () => new Promise(() => undefined) });
      const started = performance.now();
      const error = await failure(e.fetch(`http://stuck.example.test:${server.port}/`));
      expect(error.code).toBe('TIMEOUT');
      expect(performance.now() - started).toBeLessThan(1_500);
    });

    it("passes a caller's abort through as the caller's reason", async () => {
      const reason = new DOMException('user cancelled', 'AbortError');
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 50);
      await expect(egress().fetch(server.url('/slow-headers'), { signal: controller.signal })).rejects.toBe(reason);
      await expect(egress().fetch(server.url('/'), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    });
  });

  describe('response size', () => {
    it('stops a 20 MB stream at the 10 MB default cap, quickly and without buffering it', async () => {
      const started = performance.now();
      const response = await egress().fetch(server.url('/big'));
      const reader = response.body!.getReader();
      let received = 0;
      let largestChunk = 0;
      let error: unknown;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          received += value.byteLength;
          largestChunk = Math.max(largestChunk, value.byteLength);
        }
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EgressError);
      expect((error as EgressError).code).toBe('RESPONSE_TOO_LARGE');
      expect((error as EgressError).retryable).toBe(false);
      expect((error as EgressError).message).toMatch(/exceeds 10485760 bytes/);
      // Never more than the cap reached the caller, in chunks of socket size, not one big buffer.
      expect(received).toBeLessThanOrEqual(10 * MB);
      expect(largestChunk).toBeLessThanOrEqual(MB);
      expect(performance.now() - started).toBeLessThan(5_000);
      // The connection was dropped: the server could not push the remaining megabytes.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sent.bytes).toBeLessThan(18 * MB);
    });

    it('rejects text() and arrayBuffer() with RESPONSE_TOO_LARGE under a lower per-call cap', async () => {
      const e = egress();
      const error = await failure((await e.fetch(server.url('/big'), { maxResponseBytes: MB })).arrayBuffer());
      expect(error.code).toBe('RESPONSE_TOO_LARGE');
      expect(await (await e.fetch(server.url('/sized?n=1024'), { maxResponseBytes: 1024 })).text()).toHaveLength(1024);
      expect((await failure((await e.fetch(server.url('/sized?n=1025'), { maxResponseBytes: 1024 })).text())).code).toBe('RESPONSE_TOO_LARGE');
    });

    it('counts decompressed bytes, so a small gzip bomb is stopped too', async () => {
      expect(gzipBomb.length).toBeLessThan(MB);
      const error = await failure((await egress().fetch(server.url('/gzip-bomb'))).arrayBuffer());
      expect(error.code).toBe('RESPONSE_TOO_LARGE');
    });

    it('ignores the declared length of a HEAD answer, which carries no body', async () => {
      const response = await egress({ maxResponseBytes: 1024 }).fetch(server.url('/gzip-bomb'), { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.body).toBeNull();
    });

    it('refuses a response whose declared length is over the cap before reading it', async () => {
      const error = await failure(egress().fetch(server.url('/big-declared')));
      expect(error.code).toBe('RESPONSE_TOO_LARGE');
    });

    it('keeps the operator cap when a call asks for more', async () => {
      const e = egress({ maxResponseBytes: 1024 });
      const error = await failure((await e.fetch(server.url('/sized?n=4096'), { maxResponseBytes: 100 * MB })).text());
      expect(error.code).toBe('RESPONSE_TOO_LARGE');
    });
  });

  describe('request size', () => {
    it('refuses a request body over the cap without sending anything', async () => {
      const before = server.requests.length;
      const e = egress({ maxRequestBytes: 1024 });
      expect((await failure(e.fetch(server.url('/'), { method: 'POST', body: 'x'.repeat(1025) }))).code).toBe('REQUEST_TOO_LARGE');
      const streamed = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new Uint8Array(512));
        },
      });
      const error = await failure(e.fetch(server.url('/'), { method: 'POST', body: streamed, duplex: 'half' } as RequestInit));
      expect(error.code).toBe('REQUEST_TOO_LARGE');
      expect(error.retryable).toBe(false);
      expect(server.requests.length).toBe(before);
      expect(await (await e.fetch(server.url('/'), { method: 'POST', body: 'x'.repeat(1024) })).text()).toBe('ok');
    });
  });

  describe('rate budget', () => {
    it('queues within maxQueueMs, then fails with RATE_LIMITED and retryAfterMs', async () => {
      const e = egress({ rate: { perSecond: 5, burst: 2, maxQueueMs: 300 } });
      const call = () => e.fetch(server.url('/'), { connectionKey: 'conn-1' }).then((r) => r.text());
      const started = performance.now();
      expect(await Promise.all([call(), call()])).toEqual(['ok', 'ok']);
      expect(performance.now() - started).toBeLessThan(150);
      // The third waits ~200 ms for its token; the fourth would wait ~400 ms, past maxQueueMs.
      const third = call();
      const fourth = failure(call());
      expect(await third).toBe('ok');
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
      const error = await fourth;
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryable).toBe(true);
      expect(error.retryAfterMs).toBeGreaterThan(300);
      // Another connection has its own budget; calls without a key spend none.
      expect(await e.fetch(server.url('/'), { connectionKey: 'conn-2' }).then((r) => r.text())).toBe('ok');
      expect(await e.fetch(server.url('/')).then((r) => r.text())).toBe('ok');
    });
  });
});
