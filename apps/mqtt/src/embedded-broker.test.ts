// The embedded broker's security: identity from credentials only, own topics only, disabled/deleted/re-keyed
// devices disconnected at once, and client-id spoofing gains nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { MqttClient } from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { testServices } from '../../portal/src/server/testing.ts';
import type { Services } from '../../portal/src/server/services.ts';
import { closed, connectDevice, createTestDevice, signUpTenant, startTestMqtt, waitFor, type TestTenant } from './testing.ts';
import type { MqttApp } from './app.ts';

let db: TestDatabase;
let services: Services;
let app: MqttApp & { url: string };
let owner: pg.Client;
let acme: TestTenant;
let globex: TestTenant;
const clients: MqttClient[] = [];

const track = (client: MqttClient) => (clients.push(client), client);
const stored = async (deviceId: string) => (await owner.query('SELECT topic, payload FROM device_message WHERE device_id = $1 ORDER BY id', [deviceId])).rows;
// The granted QoS, or 128 for a refusal (mqtt.js reports a refused subscription as an error).
const subscribe = (client: MqttClient, filter: string) =>
  new Promise<number>((resolve, reject) =>
    client.subscribe(filter, { qos: 1 }, (error, granted) => {
      if (error && /Subscribe error/.test(error.message)) return resolve(128);
      if (error) return reject(error);
      resolve(granted?.[0]?.qos ?? -1);
    }),
  );
const publish = (client: MqttClient, topic: string, payload: string) => new Promise<void>((resolve, reject) => client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve())));

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  app = await startTestMqtt(db);
  acme = await signUpTenant(services, 'Acme');
  globex = await signUpTenant(services, 'Globex');
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await app?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

describe('authentication', () => {
  it('refuses wrong and missing credentials, and accepts the right ones', async () => {
    const device = await createTestDevice(acme, { name: 'Sensor auth' });
    await expect(connectDevice(app.url, { ...device.credentials, password: 'wrong-password' })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connectDevice(app.url, { username: device.credentials.username })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connectDevice(app.url, null)).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connectDevice(app.url, { username: '00000000-0000-4000-8000-000000000000', password: device.credentials.password })).rejects.toThrow(/Bad username or password/i);
    const client = track(await connectDevice(app.url, device.credentials));
    await publish(client, device.up('temperature'), '{"celsius":21.5}');
    expect(await stored(device.id)).toEqual([{ topic: device.up('temperature'), payload: { celsius: 21.5 } }]);
  });
});

describe('authorisation: a device reaches its own topics only', () => {
  it('refuses publishing on another device’s topics, its own down topic, or outside the convention', async () => {
    const a = await createTestDevice(acme, { name: 'A publish' });
    const b = await createTestDevice(acme, { name: 'B publish' });
    const foreign = await createTestDevice(globex, { name: 'Foreign publish' });
    for (const topic of [b.up('temperature'), b.down('valve'), a.down('valve'), foreign.up('x'), `t/${globex.id}/d/${a.id}/up/x`, '$SYS/broker/load', 'anything/else']) {
      const client = track(await connectDevice(app.url, a.credentials));
      client.publish(topic, '{"forged":true}', { qos: 1 });
      // The broker closes the connection instead of acknowledging.
      expect(await closed(client), topic).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(await stored(b.id)).toEqual([]);
    expect(await stored(foreign.id)).toEqual([]);
    expect(await stored(a.id)).toEqual([]);
  });

  it('refuses subscriptions to #, $SYS/#, other devices’ topics and its own up topic; grants its own down topics', async () => {
    const a = await createTestDevice(acme, { name: 'A subscribe' });
    const b = await createTestDevice(acme, { name: 'B subscribe' });
    const client = track(await connectDevice(app.url, a.credentials));
    for (const filter of ['#', '$SYS/#', '+/#', `t/${acme.id}/#`, `t/${acme.id}/d/+/down/#`, b.down('#'), b.up('#'), a.up('#'), `t/+/d/${b.id}/down/valve`]) {
      expect(await subscribe(client, filter), filter).toBe(128);
    }
    expect(await subscribe(client, a.down('#'))).toBe(1);
    expect(await subscribe(client, a.down('valve'))).toBe(1);
  });

  it('delivers a command to its device only', async () => {
    const a = await createTestDevice(acme, { name: 'A command' });
    const b = await createTestDevice(acme, { name: 'B command' });
    const clientA = track(await connectDevice(app.url, a.credentials));
    const clientB = track(await connectDevice(app.url, b.credentials));
    const gotA: string[] = [];
    const gotB: string[] = [];
    clientA.on('message', (topic, payload) => gotA.push(`${topic} ${payload.toString()}`));
    clientB.on('message', (topic, payload) => gotB.push(`${topic} ${payload.toString()}`));
    await subscribe(clientA, a.down('#'));
    await subscribe(clientB, b.down('#'));
    await subscribe(clientA, '#').catch(() => 0);
    await (await acme.caller()).devices.sendCommand({ deviceId: b.id, channel: 'valve', payload: { open: false }, qos: 1 });
    await waitFor(() => gotB.length > 0, 10_000, 'the command');
    expect(gotB).toEqual([`${b.down('valve')} {"open":false}`]);
    await new Promise((r) => setTimeout(r, 300));
    expect(gotA).toEqual([]);
  });

  it('gives a device that spoofs another’s client id nothing: no takeover, no messages', async () => {
    const a = await createTestDevice(acme, { name: 'A spoof' });
    const b = await createTestDevice(acme, { name: 'B spoof' });
    const clientB = track(await connectDevice(app.url, { ...b.credentials, clientId: 'boiler-1' }, { clean: false }));
    await subscribe(clientB, b.down('#'));
    const gotB: string[] = [];
    clientB.on('message', (_topic, payload) => gotB.push(payload.toString()));
    // A logs in with its own credentials but B's client id, persistent session requested.
    const spoof = track(await connectDevice(app.url, { ...a.credentials, clientId: 'boiler-1' }, { clean: false }));
    const gotSpoof: string[] = [];
    spoof.on('message', (_topic, payload) => gotSpoof.push(payload.toString()));
    expect(await closed(clientB, 500)).toBe(false);
    await (await acme.caller()).devices.sendCommand({ deviceId: b.id, channel: 'valve', payload: 'close', qos: 1 });
    await waitFor(() => gotB.includes('close'), 10_000, 'B’s command');
    expect(gotSpoof).toEqual([]);
    // Nor can it publish as B.
    spoof.publish(b.up('temperature'), '{"forged":1}', { qos: 1 });
    expect(await closed(spoof)).toBe(true);
    expect(await stored(b.id)).toEqual([]);
  });
});

describe('registry changes reach open connections at once', () => {
  it('disconnects a disabled device and refuses it until enabled again', async () => {
    const device = await createTestDevice(acme, { name: 'To disable' });
    const client = track(await connectDevice(app.url, device.credentials));
    const started = Date.now();
    await (await acme.caller()).devices.setEnabled({ deviceId: device.id, enabled: false });
    expect(await closed(client, 3000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(connectDevice(app.url, device.credentials)).rejects.toThrow(/Bad username or password/i);
    await (await acme.caller()).devices.setEnabled({ deviceId: device.id, enabled: true });
    track(await connectDevice(app.url, device.credentials));
  });

  it('disconnects a deleted device', async () => {
    const device = await createTestDevice(acme, { name: 'To delete' });
    const client = track(await connectDevice(app.url, device.credentials));
    await (await acme.caller()).devices.delete({ deviceId: device.id });
    expect(await closed(client, 3000)).toBe(true);
    await expect(connectDevice(app.url, device.credentials)).rejects.toThrow(/Bad username or password/i);
  });

  it('closes the session of rotated credentials; only the new password works', async () => {
    const device = await createTestDevice(acme, { name: 'To rotate' });
    const client = track(await connectDevice(app.url, device.credentials));
    const fresh = await (await acme.caller()).devices.rotateCredentials({ deviceId: device.id });
    expect(fresh.password).not.toBe(device.credentials.password);
    expect(await closed(client, 3000)).toBe(true);
    await expect(connectDevice(app.url, device.credentials)).rejects.toThrow(/Bad username or password/i);
    const renewed = track(await connectDevice(app.url, fresh));
    await publish(renewed, device.up('status'), '{"ok":true}');
    expect(await stored(device.id)).toHaveLength(1);
  });

  it('shows the device online while connected, and offline after', async () => {
    const device = await createTestDevice(acme, { name: 'Presence' });
    const client = track(await connectDevice(app.url, device.credentials));
    await waitFor(async () => (await (await acme.caller()).devices.get({ deviceId: device.id })).online, 5000, 'online');
    client.end(true);
    await waitFor(async () => !(await (await acme.caller()).devices.get({ deviceId: device.id })).online, 5000, 'offline');
  });
});
