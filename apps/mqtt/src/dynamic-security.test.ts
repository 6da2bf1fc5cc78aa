// Client mode against a real Mosquitto with its dynamic-security plugin: the MQTT app keeps the broker's
// device accounts in step with the registry, so the broker itself refuses wrong and missing passwords,
// another device's client id, foreign topics, disabled and deleted devices — and follows rotation at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { testServices, TEST_MASTER_KEY } from '../../portal/src/server/testing.ts';
import type { Services } from '../../portal/src/server/services.ts';
import type { MqttApp } from './app.ts';
import { DynsecControl } from './dynsec-control.ts';
import { closed, connectDevice, createTestDevice, signUpTenant, startTestMosquitto, startTestMqtt, waitFor, type Credentials, type TestMosquitto, type TestTenant } from './testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let broker: TestMosquitto;
let app: (MqttApp & { url: string }) | undefined;
let acme: TestTenant;
let globex: TestTenant;
const clients: MqttClient[] = [];

const startApp = async () => {
  app = await startTestMqtt(db, {
    MQTT_URL: broker.adminUrl!,
    MQTT_DYNAMIC_SECURITY: 'on',
    MASTER_KEYS: TEST_MASTER_KEY,
    MQTT_CLIENT_ID: `conflux-dynsec-${randomUUID().slice(0, 8)}`,
    MQTT_SESSION_EXPIRY: '0',
    MQTT_TENANT_RATE: '100000',
  });
  return app;
};

beforeAll(async () => {
  broker = await startTestMosquitto({ dynamicSecurity: true });
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  acme = await signUpTenant(services, 'Acme Dynsec');
  globex = await signUpTenant(services, 'Globex Dynsec');
  await startApp();
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await app?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
  await broker?.stop();
});

/** Connects to the broker as a device would (MQTT 5, so refusals come with reason codes). */
const connect = async (credentials: Partial<Credentials> | null) => {
  const client = await connectDevice(broker.url, credentials, { protocolVersion: 5 });
  clients.push(client);
  return client;
};
/** Waits until the broker accepts these credentials (the account is set a moment after the commit). */
const connectWhenReady = (credentials: Credentials) => waitFor(() => connect(credentials).catch(() => null), 10_000, 'the device account on the broker');
const refused = (credentials: Partial<Credentials> | null) =>
  connect(credentials).then(
    (client) => {
      client.end(true);
      return false;
    },
    () => true,
  );
const rowsOf = async (deviceId: string) => (await owner.query('SELECT payload FROM device_message WHERE device_id = $1::uuid', [deviceId])).rows;
const waitingSecrets = async () => Number((await owner.query('SELECT count(*) FROM device_broker_secret')).rows[0].count);

describe('device accounts on Mosquitto (dynamic security)', () => {
  it('gives a new device an account: it connects with the issued credentials and its telemetry is stored', async () => {
    const device = await createTestDevice(acme, { name: 'Sensor 1' });
    const client = await connectWhenReady(device.credentials);
    await client.publishAsync(device.up('temp'), JSON.stringify({ c: 21.5 }), { qos: 1 });
    await waitFor(async () => (await rowsOf(device.id)).length === 1, 10_000, 'the stored message');
    expect((await rowsOf(device.id))[0].payload).toEqual({ c: 21.5 });
    // The password was handed over and is not kept.
    await waitFor(async () => (await waitingSecrets()) === 0, 5000, 'the sealed password deleted');
  });

  it('refuses wrong and missing passwords, and a device using another device’s client id (without disturbing it)', async () => {
    const a = await createTestDevice(acme, { name: 'Spoofer' });
    const b = await createTestDevice(acme, { name: 'Victim' });
    await connectWhenReady(a.credentials).then((c) => c.end(true));
    const victim = await connectWhenReady(b.credentials);
    expect(await refused({ ...a.credentials, password: 'wrong' })).toBe(true);
    expect(await refused(null)).toBe(true);
    expect(await refused({ username: a.credentials.username })).toBe(true);
    expect(await refused({ ...a.credentials, clientId: b.credentials.clientId })).toBe(true);
    expect(await closed(victim, 500)).toBe(false);
  });

  it('lets a device publish and subscribe on its own topics only', async () => {
    const a = await createTestDevice(acme, { name: 'ACL A' });
    const b = await createTestDevice(acme, { name: 'ACL B' });
    const other = await createTestDevice(globex, { name: 'ACL Other' });
    const client = await connectWhenReady(a.credentials);
    // mqtt.js rejects a subscription the broker refused (SUBACK 135, not authorised).
    const allowed = (filter: string) => client.subscribeAsync(filter, { qos: 1 }).then((grants) => grants.every((g) => g.qos < 128), () => false);
    expect(await allowed(a.down('#'))).toBe(true);
    expect(await allowed(a.down('valve'))).toBe(true);
    for (const filter of ['#', '$SYS/#', b.down('#'), a.up('#'), `t/${acme.id}/d/+/down/#`, other.down('#'), '$share/x/t/+/d/+/up/#']) {
      expect(await allowed(filter), filter).toBe(false);
    }
    // A publish on another device's topic is refused by the broker (MQTT 5 tells: 135 not authorised).
    await expect(client.publishAsync(b.up('temp'), '{"forged":1}', { qos: 1 })).rejects.toMatchObject({ code: 135 });
    await client.publishAsync(a.up('temp'), '{"mine":1}', { qos: 1 });
    await waitFor(async () => (await rowsOf(a.id)).length === 1, 10_000, 'the device’s own message');
    expect(await rowsOf(b.id)).toEqual([]);
  });

  it('delivers a command from the portal through the broker', async () => {
    const device = await createTestDevice(acme, { name: 'Valve' });
    const client = await connectWhenReady(device.credentials);
    const got: string[] = [];
    client.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
    await client.subscribeAsync(device.down('#'), { qos: 1 });
    await (await acme.caller()).devices.sendCommand({ deviceId: device.id, channel: 'open', payload: { pct: 40 }, qos: 1 });
    await waitFor(() => got.length > 0, 10_000, 'the command');
    expect(got).toEqual([`${device.down('open')} {"pct":40}`]);
  });

  it('follows disable (disconnected at once), enable, rotation (old password refused, session closed) and delete', async () => {
    const device = await createTestDevice(acme, { name: 'Lifecycle' });
    const caller = await acme.caller();
    let client = await connectWhenReady(device.credentials);

    await caller.devices.setEnabled({ deviceId: device.id, enabled: false });
    expect(await closed(client, 5000)).toBe(true);
    expect(await refused(device.credentials)).toBe(true);

    await caller.devices.setEnabled({ deviceId: device.id, enabled: true });
    client = await connectWhenReady(device.credentials);

    const fresh = await caller.devices.rotateCredentials({ deviceId: device.id });
    expect(await closed(client, 5000)).toBe(true);
    await connectWhenReady(fresh as Credentials).then((c) => c.end(true));
    expect(await refused(device.credentials)).toBe(true);

    await caller.devices.delete({ deviceId: device.id });
    await waitFor(() => refused(fresh as Credentials), 5000, 'the deleted device refused');
  });

  it('catches up at start: accounts of devices deleted meanwhile go, devices created meanwhile get theirs', async () => {
    const kept = await createTestDevice(acme, { name: 'Kept' });
    const doomed = await createTestDevice(acme, { name: 'Doomed' });
    await connectWhenReady(doomed.credentials).then((c) => c.end(true));
    await connectWhenReady(kept.credentials).then((c) => c.end(true));
    await app!.close();

    const caller = await acme.caller();
    await caller.devices.delete({ deviceId: doomed.id });
    const born = await createTestDevice(acme, { name: 'Born while away' });
    await caller.devices.setEnabled({ deviceId: kept.id, enabled: false });
    expect(await waitingSecrets()).toBeGreaterThan(0);

    const restarted = await startApp();
    const report = await restarted.brokerAccounts!.reconcile();
    expect(report.missing).toEqual([]);
    await connectWhenReady(born.credentials).then((c) => c.end(true));
    expect(await refused(doomed.credentials)).toBe(true);
    expect(await refused(kept.credentials)).toBe(true);
    // The broker's own view: the deleted device's account and role are gone, the disabled one is marked.
    const admin = await connectDevice(broker.adminUrl!, null, { protocolVersion: 5, username: 'admin', password: new URL(broker.adminUrl!).password });
    clients.push(admin);
    const control = new DynsecControl(admin);
    admin.on('message', (topic, payload) => control.receive(topic, payload));
    await control.subscribe();
    const [gone, role, off] = await control.run([
      { command: 'getClient', username: doomed.id },
      { command: 'getRole', rolename: `conflux-device-${doomed.id}` },
      { command: 'getClient', username: kept.id },
    ]);
    expect(gone!.error).toMatch(/not found/i);
    expect(role!.error).toMatch(/not found/i);
    expect((off!.data as { client: { disabled?: boolean } }).client.disabled).toBe(true);
    expect(await waitingSecrets()).toBe(0);
  });

  it('without dynamic security, issued passwords are deleted unread; such a device is reported until rotated', async () => {
    await app!.close();
    app = await startTestMqtt(db);
    const device = await createTestDevice(acme, { name: 'Embedded only' });
    await waitFor(async () => (await waitingSecrets()) === 0, 5000, 'the sealed password deleted');
    await connectDevice(app.url, device.credentials).then((c) => c.end(true));
    await app.close();

    // Back on Mosquitto: that device's password cannot be recovered (only its hash is kept), so it has no account.
    const restarted = await startApp();
    expect((await restarted.brokerAccounts!.reconcile()).missing).toEqual([device.id]);
    expect(await refused(device.credentials)).toBe(true);
    const fresh = await (await acme.caller()).devices.rotateCredentials({ deviceId: device.id });
    await connectWhenReady(fresh as Credentials).then((c) => c.end(true));
    expect((await restarted.brokerAccounts!.reconcile()).missing).toEqual([]);
  });
});
