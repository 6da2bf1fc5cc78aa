/**
 * A stand-in for a PostgreSQL server with password authentication that refuses the password. The test
 * server trusts local connections (it would take any password), so a refused login is played here, over
 * the real wire protocol: startup, a cleartext password request, and the FATAL 28P01 a server sends.
 */
import net from 'node:net';

const SSL_REQUEST = 80877103;

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function errorFields(fields: Record<string, string>): Buffer {
  const parts = Object.entries(fields).map(([code, value]) => Buffer.from(`${code}${value}\0`, 'utf8'));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** A running stand-in; `passwords` lists the passwords clients sent. */
export interface RefusingServer {
  port: number;
  passwords: string[];
  close(): Promise<void>;
}

export async function startRefusingServer(): Promise<RefusingServer> {
  const passwords: string[] = [];
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        // Startup-phase messages have no type byte; later ones do.
        const offset = started ? 1 : 0;
        if (buffered.length < offset + 4) return;
        const length = buffered.readInt32BE(offset);
        if (buffered.length < offset + length) return;
        const packet = buffered.subarray(0, offset + length);
        buffered = buffered.subarray(offset + length);
        if (!started) {
          if (packet.readInt32BE(4) === SSL_REQUEST) {
            socket.write('N');
            continue;
          }
          started = true;
          const body = Buffer.alloc(4);
          body.writeInt32BE(3); // AuthenticationCleartextPassword
          socket.write(message('R', body));
        } else if (packet.toString('latin1', 0, 1) === 'p') {
          passwords.push(packet.toString('utf8', 5, packet.length - 1));
          socket.end(message('E', errorFields({ S: 'FATAL', V: 'FATAL', C: '28P01', M: 'password authentication failed for user "ada"' })));
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, passwords, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
