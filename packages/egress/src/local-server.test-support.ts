import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on a loopback address, counting what reached it. */
export interface LocalServer {
  port: number;
  host: string;
  /** `http://host:port` + path. */
  url(path?: string): string;
  /** Requests that reached the handler. */
  requests: http.IncomingMessage[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/** Starts a server on `host` (a loopback address) and `port` (0 for a free one). */
export async function startLocalServer(
  handler: http.RequestListener,
  options: { host?: string; port?: number } = {},
): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  const state = { connections: 0 };
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    port,
    host,
    url: (path = '/') => `http://${authority}${path}`,
    requests,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a request body as text. */
export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
