import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy.ts';
import { EgressError } from './egress-error.ts';
import { createGuardedConnect, resolveChecked, type EgressLookup } from './guarded-connect.ts';
import { startLocalServer, type LocalServer } from './local-server.test-support.ts';

// The connector is the last line: these tests call it directly, as undici does, without fetch's pre-checks.
function connectWith(lookup: EgressLookup, allow: string[], hostname: string, port: number): Promise<Socket> {
  const connect = createGuardedConnect({ policy: createAddressPolicy(allow), lookup, connectTimeoutMs: 1_000 });
  return new Promise((resolve, reject) => {
    connect({ hostname, protocol: 'http:', port: String(port) }, (error, socket) => {
      if (error) reject(error);
      else resolve(socket as Socket);
    });
  });
}

const noLookup: EgressLookup = () => Promise.reject(new Error('lookup must not be called for a literal'));

describe('guarded connect', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((_req, res) => res.end('ok'));
  });
  afterAll(() => server.close());

  it('refuses an IP literal itself, before any socket', async () => {
    await expect(connectWith(noLookup, [], '127.0.0.1', server.port)).rejects.toMatchObject({ code: 'BLOCKED_ADDRESS' });
    await expect(connectWith(noLookup, [], '::ffff:127.0.0.1', server.port)).rejects.toMatchObject({ code: 'BLOCKED_ADDRESS' });
    await expect(connectWith(noLookup, [], 'metadata.google.internal', server.port)).rejects.toMatchObject({ code: 'BLOCKED_ADDRESS' });
    expect(server.connections).toBe(0);
  });

  it('connects to exactly the address its lookup vetted', async () => {
    const socket = await connectWith(async () => [{ address: '127.0.0.1', family: 4 }], ['127.0.0.0/8'], 'api.example.test', server.port);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
    expect(server.connections).toBe(1);
  });

  it('refuses a name whose lookup answers a blocked address', async () => {
    const before = server.connections;
    await expect(connectWith(async () => [{ address: '127.0.0.1', family: 4 }], [], 'api.example.test', server.port)).rejects.toMatchObject({
      code: 'BLOCKED_ADDRESS',
    });
    expect(server.connections).toBe(before);
  });

  it('refuses the whole name when any one answer is blocked', async () => {
    const policy = createAddressPolicy(['127.0.0.2/32']);
    const mixed: EgressLookup = async () => [
      { address: '127.0.0.2', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    await expect(resolveChecked('api.example.test', mixed, policy)).rejects.toMatchObject({ code: 'BLOCKED_ADDRESS' });
  });

  it('keeps resolved addresses out of its messages', async () => {
    const error = await resolveChecked('internal.example.test', async () => [{ address: '10.20.30.40', family: 4 }], createAddressPolicy()).then(
      () => expect.unreachable(),
      (e: unknown) => e as EgressError,
    );
    expect(error.message).toContain('internal.example.test');
    expect(error.message).not.toContain('10.20.30.40');
  });

  it('reports a failed or empty lookup as a retryable network error', async () => {
    const policy = createAddressPolicy();
    await expect(resolveChecked('x.test', () => Promise.reject(new Error('ENOTFOUND')), policy)).rejects.toMatchObject({ code: 'NETWORK', retryable: true });
    await expect(resolveChecked('x.test', async () => [], policy)).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
