import net from 'node:net';
import getPort from 'get-port';

type Probe = 'free' | 'busy' | 'unavailable';

function probe(port: number, host: string | undefined): Promise<Probe> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      // An address family the machine lacks says nothing about the port.
      resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? 'busy' : 'unavailable');
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/**
 * Whether nothing listens on `port`, on any address (how the portal binds) nor on loopback (how the
 * embedded servers bind).
 */
export async function isPortFree(port: number): Promise<boolean> {
  for (const host of [undefined, '0.0.0.0', '127.0.0.1']) {
    if ((await probe(port, host)) === 'busy') return false;
  }
  return true;
}

/** The first free port from `start` on (checking `attempts` ports), else any free port. */
export async function findFreePort(start: number, attempts = 50): Promise<number> {
  for (let port = start; port < start + attempts && port <= 65535; port++) {
    if (await isPortFree(port)) return port;
  }
  return getPort();
}
