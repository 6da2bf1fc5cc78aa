/** The receiving system: a plain HTTP server that timestamps each delivery the flow's http step makes. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

/** Options of {@link startReceiver}. */
export interface ReceiverOptions {
  /** Answers each request this long after it arrived (a receiving system's own work); at once by default. */
  delayMs?: number;
}

/** `onDelivery(phase, seq, at)` is called once per request, `at` on this process's performance clock. */
export async function startReceiver(onDelivery: (phase: string, seq: number, at: number) => void, options: ReceiverOptions = {}): Promise<Receiver> {
  let count = 0;
  const ok = Buffer.from('{"ok":true}');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      count++;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { phase?: string; seq?: number };
        if (typeof body.phase === 'string' && typeof body.seq === 'number') onDelivery(body.phase, body.seq, at);
      } catch {
        // counted, not attributed
      }
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': ok.length });
        res.end(ok);
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
