/**
 * The HTTP authentication and ACL hook for an external broker, in the shape of mosquitto-go-auth's HTTP
 * backend (also what EMQX's and VerneMQ's HTTP auth plugins can be pointed at): the broker asks Conflux
 * whether a device may connect, and may publish or subscribe on a topic, so the broker's decisions follow
 * the registry at once (disable, delete, rotate). Answers 200 (allow) or 403 (deny).
 *
 *   POST /mqtt/auth       { username, password, clientid }
 *   POST /mqtt/superuser  { username }                   — only the ingest's own account
 *   POST /mqtt/acl        { username, clientid, topic, acc } — acc 1 read, 2 write, 3 read+write, 4 subscribe
 *
 * Bodies may be JSON or form-encoded. Bind it to a private address: it answers questions about credentials.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SystemDb } from '@conflux/db/system';
import { mayDeviceSubscribe, parseDeviceTopic } from '@conflux/core';
import { findDevices, type DeviceIdentity } from '@conflux/core/ingest';
import type { DeviceAuth } from './device-auth.ts';

async function readForm(req: http.IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    const parsed = JSON.parse(text || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Whether a device may do `acc` on `topic`. */
export function deviceAcl(identity: DeviceIdentity, topic: string, acc: number): boolean {
  if (!identity.enabled) return false;
  if (acc === 2) {
    const parsed = parseDeviceTopic(topic);
    return !!parsed && parsed.direction === 'up' && parsed.tenantId === identity.tenantId && parsed.deviceId === identity.deviceId;
  }
  if (acc === 1 || acc === 4) return mayDeviceSubscribe(identity, topic);
  return false;
}

export async function startAuthHook(params: { auth: DeviceAuth; sys: SystemDb; log: Logger; serviceUsername?: string; port: number; host: string }): Promise<{ port: number; forget(deviceId: string): void; close(): Promise<void> }> {
  const identities = new Map<string, { identity: DeviceIdentity | null; at: number }>();
  const identityOf = async (username: string): Promise<DeviceIdentity | null> => {
    const hit = identities.get(username);
    if (hit && Date.now() - hit.at < 5_000) return hit.identity;
    const identity = /^[0-9a-f-]{36}$/.test(username) ? ((await findDevices(params.sys, { ids: [username] }))[0] ?? null) : null;
    identities.set(username, { identity, at: Date.now() });
    if (identities.size > 100_000) identities.delete(identities.keys().next().value!);
    return identity;
  };

  const server = http.createServer((req, res) => {
    const answer = (allow: boolean) => {
      res.writeHead(allow ? 200 : 403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: allow, error: allow ? undefined : 'denied' }));
    };
    const route = async (): Promise<boolean> => {
      if (req.method === 'GET' && req.url === '/healthz') return true;
      if (req.method !== 'POST') return false;
      const body = await readForm(req);
      const username = body.username ?? '';
      switch (req.url) {
        case '/mqtt/auth':
          if (params.serviceUsername && username === params.serviceUsername) return false; // the broker's own file knows it
          return !!(await params.auth.authenticate(username, body.password ?? ''));
        case '/mqtt/superuser':
          return !!params.serviceUsername && username === params.serviceUsername;
        case '/mqtt/acl': {
          const identity = await identityOf(username);
          return !!identity && deviceAcl(identity, body.topic ?? '', Number(body.acc));
        }
        default:
          return false;
      }
    };
    route().then(answer, (error: unknown) => {
      params.log.warn({ err: (error as Error).message }, 'auth hook request failed');
      answer(false);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(params.port, params.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    forget: (deviceId) => void identities.delete(deviceId),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
