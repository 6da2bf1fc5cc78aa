// Client mode against a real Mosquitto: two ingest processes share the subscription
// `$share/{group}/t/+/d/+/up/#` and split the load; the ingest still checks that the topic's device belongs
// to the topic's tenant and is enabled; commands reach devices through the broker. Also the HTTP auth/ACL
// hook an external broker calls to follow the registry.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { testServices } from '../../portal/src/server/testing.ts';
import type { Services } from '../../portal/src/server/services.ts';
import { createTestDevice, signUpTenant, startTestMosquitto, startTestMqtt, waitFor, type TestTenant } from './testing.ts';
import type { MqttApp } from './app.ts';

// A Mosquitto of this test's own on a free port (so the test never shares a broker or depends on one being up).
const mosquitto = await startTestMosquitto();
const BROKER = mosquitto.url;
afterAll(() => mosquitto.stop());

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let acme: TestTenant;
let globex: TestTenant;
const apps: MqttApp[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  acme = await signUpTenant(services, 'Acme Client');
  globex = await signUpTenant(services, 'Globex Client');
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const a of apps) await a.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

const rowsOf = async (deviceIds: string[]) => (await owner.query('SELECT device_id, payload FROM device_message WHERE device_id = ANY($1::uuid[])', [deviceIds])).rows;

function deviceAtBroker(clientId: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(BROKER, { clientId, reconnectPeriod: 0, protocolVersion: 4 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    clients.push(client);
  });
}

describe('client mode against Mosquitto', () => {
  it('splits a shared subscription between two ingest processes and stores every message once', async () => {
    const group = `g${randomUUID().slice(0, 8)}`;
    for (const n of [1, 2]) apps.push(await startTestMqtt(db, { MQTT_URL: BROKER, MQTT_SHARE_GROUP: group, MQTT_CLIENT_ID: `conflux-test-${group}-${n}`, MQTT_SESSION_EXPIRY: '30', MQTT_TENANT_RATE: '100000' }));
    const devices = await Promise.all(Array.from({ length: 8 }, (_, i) => createTestDevice(acme, { name: `Shared ${i}` })));
    const perDevice = 50;
    await Promise.all(
      devices.map(async (device, d) => {
        const client = await deviceAtBroker(`dev-${device.id}`);
        for (let seq = 0; seq < perDevice; seq++) await client.publishAsync(device.up('reading'), JSON.stringify({ d, seq }), { qos: 1 });
      }),
    );
    const total = devices.length * perDevice;
    await waitFor(async () => (await rowsOf(devices.map((d) => d.id))).length >= total, 20_000, 'every message stored');
    await new Promise((r) => setTimeout(r, 300));
    const rows = await rowsOf(devices.map((d) => d.id));
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => JSON.stringify(r.payload))).size).toBe(total);
    // Both processes took part.
    expect(apps[0]!.ingestor.counters.stored).toBeGreaterThan(0);
    expect(apps[1]!.ingestor.counters.stored).toBeGreaterThan(0);
    expect(apps[0]!.ingestor.counters.stored + apps[1]!.ingestor.counters.stored).toBe(total);
  });

  it('drops messages whose topic names a device of another tenant, an unknown or a disabled device', async () => {
    const mine = await createTestDevice(acme, { name: 'Checked' });
    const theirs = await createTestDevice(globex, { name: 'Foreign' });
    const disabled = await createTestDevice(acme, { name: 'Off' });
    await (await acme.caller()).devices.setEnabled({ deviceId: disabled.id, enabled: false });
    const client = await deviceAtBroker(`dev-${mine.id}`);
    const before = apps.reduce((s, a) => s + a.ingestor.counters.refused, 0);
    await client.publishAsync(`t/${acme.id}/d/${theirs.id}/up/x`, '{"forged":1}', { qos: 1 });
    await client.publishAsync(`t/${acme.id}/d/${randomUUID()}/up/x`, '{"ghost":1}', { qos: 1 });
    await client.publishAsync(disabled.up('x'), '{"off":1}', { qos: 1 });
    await client.publishAsync(mine.up('x'), '{"fine":1}', { qos: 1 });
    await waitFor(async () => (await rowsOf([mine.id])).length === 1, 10_000, 'the valid message');
    await waitFor(() => apps.reduce((s, a) => s + a.ingestor.counters.refused, 0) - before >= 3, 5000, 'three refusals');
    expect(await rowsOf([theirs.id, disabled.id])).toEqual([]);
  });

  it('publishes commands through the broker to the device', async () => {
    const device = await createTestDevice(acme, { name: 'Commanded' });
    const client = await deviceAtBroker(`dev-${device.id}`);
    const got: string[] = [];
    client.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
    await client.subscribeAsync(device.down('#'), { qos: 1 });
    await (await acme.caller()).devices.sendCommand({ deviceId: device.id, channel: 'reboot', payload: { now: true }, qos: 1 });
    await waitFor(() => got.length > 0, 10_000, 'the command');
    expect(got).toEqual([`${device.down('reboot')} {"now":true}`]);
  });
});

describe('client mode: a killed ingest process', () => {
  const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const spawned: ChildProcess[] = [];
  const start = (env: Record<string, string>): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: appDir, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    spawned.push(child);
    return child;
  };
  afterAll(async () => {
    for (const child of spawned) await kill(child, 'SIGKILL');
  });
  const kill = (child: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });

  it('loses and duplicates nothing: the broker redelivers what was in flight, retransmissions are recognised', async () => {
    const group = `g${randomUUID().slice(0, 8)}`;
    const env = { DATABASE_APP_URL: db.appUrl, DATABASE_SYSTEM_URL: db.systemUrl, MQTT_URL: BROKER, MQTT_SHARE_GROUP: group, MQTT_CLIENT_ID: `conflux-kill-${group}`, MQTT_SESSION_EXPIRY: '60', MQTT_TENANT_RATE: '100000', LOG_LEVEL: 'warn', CI: '1' };
    const devices = await Promise.all(Array.from({ length: 8 }, (_, i) => createTestDevice(acme, { name: `Killed ${i}` })));
    const ids = devices.map((d) => d.id);
    let child = start(env);
    try {
      const probe = await deviceAtBroker(`dev-probe-${group}`);
      // Ready once a probe message is stored.
      await waitFor(async () => {
        await probe.publishAsync(devices[0]!.up('probe'), '{"probe":true}', { qos: 1 });
        return (await rowsOf([devices[0]!.id])).length > 0;
      }, 30_000, 'the ingest process to subscribe');
      await owner.query('DELETE FROM device_message WHERE device_id = ANY($1::uuid[])', [ids]);
      const perDevice = 100;
      const publishers = await Promise.all(devices.map((d) => deviceAtBroker(`dev-kill-${d.id}`)));
      const burst = Promise.all(publishers.map((client, d) => Promise.all(Array.from({ length: perDevice }, (_, seq) => client.publishAsync(devices[d]!.up('burst'), JSON.stringify({ d, seq }), { qos: 1 })))));
      await waitFor(async () => (await rowsOf(ids)).length >= 150, 20_000, 'part of the burst');
      await kill(child, 'SIGKILL');
      await burst; // the broker acknowledged every message
      child = start(env);
      const total = devices.length * perDevice;
      const burstRows = async () => (await rowsOf(ids)).filter((r) => r.payload?.seq !== undefined);
      await waitFor(async () => (await burstRows()).length >= total, 30_000, 'every message after the restart');
      await new Promise((r) => setTimeout(r, 500));
      const rows = await burstRows();
      const keys = rows.map((r) => `${r.payload.d}:${r.payload.seq}`);
      expect(keys.length - new Set(keys).size, 'duplicates').toBe(0);
      expect(new Set(keys).size).toBe(total);
    } finally {
      await kill(child, 'SIGTERM');
    }
  }, 90_000);
});

describe('HTTP auth and ACL hook for an external broker', () => {
  let hook: string;
  beforeAll(async () => {
    const app = await startTestMqtt(db, { MQTT_AUTH_HOOK_PORT: '0', MQTT_SERVICE_USERNAME: 'conflux-ingest' });
    apps.push(app);
    hook = `http://127.0.0.1:${app.authHookPort}`;
  });
  const post = async (path: string, body: Record<string, unknown>, form = false) =>
    (
      await fetch(`${hook}${path}`, {
        method: 'POST',
        headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
      })
    ).status;

  it('authenticates devices against the registry and follows disable and rotation at once', async () => {
    const device = await createTestDevice(acme, { name: 'Hooked' });
    expect(await post('/mqtt/auth', { username: device.credentials.username, password: device.credentials.password, clientid: 'x' })).toBe(200);
    expect(await post('/mqtt/auth', { username: device.credentials.username, password: device.credentials.password }, true)).toBe(200);
    expect(await post('/mqtt/auth', { username: device.credentials.username, password: 'wrong' })).toBe(403);
    expect(await post('/mqtt/auth', { username: 'nobody', password: 'x' })).toBe(403);
    await (await acme.caller()).devices.setEnabled({ deviceId: device.id, enabled: false });
    await waitFor(async () => (await post('/mqtt/auth', { username: device.credentials.username, password: device.credentials.password })) === 403, 3000, 'refusal after disable');
    await (await acme.caller()).devices.setEnabled({ deviceId: device.id, enabled: true });
    const fresh = await (await acme.caller()).devices.rotateCredentials({ deviceId: device.id });
    await waitFor(async () => (await post('/mqtt/auth', { username: device.credentials.username, password: device.credentials.password })) === 403, 3000, 'old password refused');
    expect(await post('/mqtt/auth', { username: fresh.username, password: fresh.password })).toBe(200);
    expect(await post('/mqtt/superuser', { username: device.credentials.username })).toBe(403);
    expect(await post('/mqtt/superuser', { username: 'conflux-ingest' })).toBe(200);
  });

  it('allows a device its own topics only', async () => {
    const a = await createTestDevice(acme, { name: 'ACL A' });
    const b = await createTestDevice(acme, { name: 'ACL B' });
    const acl = (topic: string, acc: number) => post('/mqtt/acl', { username: a.credentials.username, clientid: 'a', topic, acc });
    expect(await acl(a.up('temp'), 2)).toBe(200);
    expect(await acl(a.down('valve'), 4)).toBe(200);
    expect(await acl(a.down('#'), 4)).toBe(200);
    expect(await acl(a.down('valve'), 1)).toBe(200);
    for (const [topic, acc] of [[b.up('temp'), 2], [a.down('valve'), 2], [a.up('temp'), 4], ['#', 4], ['$SYS/#', 4], [b.down('#'), 4], [`t/${globex.id}/d/${a.id}/up/x`, 2], [a.up('temp'), 3]] as const) {
      expect(await acl(topic, acc), `${topic} acc=${acc}`).toBe(403);
    }
  });
});
