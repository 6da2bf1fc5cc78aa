/** A real HTTP server on 127.0.0.1 (a free port) for tests that talk to vendors over the wire. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the test server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What a handler returns: a status, optional headers, and a body (objects are sent as JSON). */
export interface TestResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server that records every request and answers with `handler`'s response. */
export async function startHttpServer(handler: (request: RecordedRequest) => TestResponse | Promise<TestResponse>): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      Promise.resolve(handler(recorded)).then(
        (response) => {
          const body = response.body;
          const isText = typeof body === 'string' || body === undefined;
          res.writeHead(response.status ?? 200, { ...(isText ? {} : { 'content-type': 'application/json' }), ...response.headers });
          res.end(isText ? (body ?? '') : JSON.stringify(body));
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
