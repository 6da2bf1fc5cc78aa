// Fuzzed payloads and topics never crash ingestion: random bytes, huge messages, deep JSON, what PostgreSQL's
// jsonb refuses, hostile topics. Malformed messages are counted and visible; valid ones in between are stored.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mqttPacket from 'mqtt-packet';
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
const MAX = 300_000;

// A deterministic generator, so a failure can be replayed.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  app = await startTestMqtt(db, { MQTT_MAX_PAYLOAD_BYTES: String(MAX), MQTT_TENANT_RATE: '100000' });
  acme = await signUpTenant(services, 'Fuzz Corp');
});
afterAll(async () => {
  await app?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

const count = async (deviceId: string) => (await owner.query('SELECT count(*)::int AS n FROM device_message WHERE device_id = $1', [deviceId])).rows[0].n as number;

describe('fuzzed payloads', () => {
  it('stores every valid JSON message and counts every malformed one, in any mix', async () => {
    const device = await createTestDevice(acme, { name: 'Fuzz JSON' });
    const client = await connectDevice(app.url, device.credentials);
    const random = rng(42);
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const hostile: Buffer[] = [
      Buffer.from(''),
      Buffer.from('{'),
      Buffer.from('{"a":"\\u0000"}'), // jsonb refuses NUL
      Buffer.from('{"a":"\\ud800"}'), // and lone surrogates
      Buffer.from('{"\\u0000":1}'),
      Buffer.from(deep(100_000)), // far deeper than any parser should recurse
      Buffer.from(deep(65)),
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), // not UTF-8
      Buffer.from('\ufeff{}'), // BOM
      Buffer.from(`[${'1,'.repeat(120_000)}1]`), // too many values
      Buffer.from('{"big":1e999999}'), // JSON.parse says Infinity; PostgreSQL's numeric overflows
      Buffer.alloc(MAX + 1, 0x20), // over the size limit, under the connection cut-off
    ];
    // Random bytes, made invalid UTF-8 by their first byte so that none is valid JSON by chance.
    for (let i = 0; i < 40; i++) hostile.push(Buffer.concat([Buffer.from([0xff]), randomBytes(Math.floor(random() * 2000))]));
    let valid = 0;
    for (const [i, payload] of hostile.entries()) {
      await client.publishAsync(device.up('fuzz'), payload, { qos: 1 });
      // Interleave valid messages (64 levels deep: the deepest accepted): they must keep flowing.
      await client.publishAsync(device.up('ok'), JSON.stringify({ i, deep: JSON.parse(deep(63)) }), { qos: 1 });
      valid++;
    }
    const malformed = hostile.length;
    expect(client.connected).toBe(true);
    expect(await count(device.id)).toBe(valid);
    await app.ingestor.writeActivity();
    const page = await (await acme.caller()).devices.page({ deviceId: device.id });
    expect(page.malformed.count).toBe(malformed);
    expect(page.malformed.lastReason).toBeTruthy();
    expect(page.perMinute.reduce((s, m) => s + m.malformed, 0)).toBe(malformed);
    client.end(true);
  });

  it('stores random bytes as they are for raw devices', async () => {
    const device = await createTestDevice(acme, { name: 'Fuzz raw', payloadFormat: 'raw' });
    const client = await connectDevice(app.url, device.credentials);
    const payloads = Array.from({ length: 30 }, (_, i) => randomBytes(i * 37));
    for (const p of payloads) await client.publishAsync(device.up('bytes'), p, { qos: 1 });
    const rows = (await owner.query('SELECT raw FROM device_message WHERE device_id = $1 ORDER BY id', [device.id])).rows as { raw: Buffer }[];
    expect(rows.map((r) => r.raw.toString('hex'))).toEqual(payloads.map((p) => p.toString('hex')));
    client.end(true);
  });

  it('cuts off a connection announcing a huge packet before buffering it, and keeps serving others', async () => {
    const device = await createTestDevice(acme, { name: 'Fuzz huge' });
    const client = await connectDevice(app.url, device.credentials);
    // 200 MB announced; only the header and a little data are sent.
    const header = Buffer.from([0x32, 0x80, 0x80, 0x80, 0x60]);
    (client.stream as net.Socket).write(Buffer.concat([header, randomBytes(1024)]));
    expect(await closed(client, 3000)).toBe(true);
    const again = await connectDevice(app.url, device.credentials);
    await again.publishAsync(device.up('after'), '{"still":"alive"}', { qos: 1 });
    expect(await count(device.id)).toBe(1);
    again.end(true);
  });
});

describe('fuzzed topics and packets', () => {
  it('refuses hostile topics and garbage on the wire without crashing; valid traffic continues', async () => {
    const device = await createTestDevice(acme, { name: 'Fuzz topics' });
    const random = rng(7);
    const topics = [
      `t/${acme.id}/d/${device.id}/up/`,
      `t/${acme.id}/d/${device.id}/up/${'a/'.repeat(99)}a`,
      `t/${acme.id}/d/${device.id}/up/${'x'.repeat(70_000).slice(0, 65_000)}`,
      `t/${acme.id}/d/${device.id}/up/../../../x`,
      `t/${acme.id.toUpperCase()}/d/${device.id}/up/x`,
      `t/${acme.id}/d/${device.id}/up/\u0000`,
      `t/${acme.id}/d/${device.id}/up/é`,
      `$SYS/${acme.id}`,
      '/',
    ];
    for (let i = 0; i < 20; i++) topics.push(Array.from({ length: 1 + Math.floor(random() * 60) }, () => String.fromCharCode(1 + Math.floor(random() * 0x2fff))).join(''));
    for (const topic of topics) {
      const client = await connectDevice(app.url, device.credentials).catch(() => null);
      if (!client) continue;
      client.on('error', () => undefined);
      client.publish(topic, '{"x":1}', { qos: 1 });
      await closed(client, 2000);
      client.end(true);
    }
    // Garbage instead of MQTT, and a PUBLISH before CONNECT.
    for (let i = 0; i < 20; i++) {
      const socket = net.connect(app.port!, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(i % 2 ? randomBytes(1 + Math.floor(random() * 4096)) : mqttPacket.generate({ cmd: 'publish', topic: device.up('x'), payload: Buffer.from('{}'), qos: 1, messageId: 1, retain: false, dup: false }));
      await new Promise((r) => setTimeout(r, 20));
      socket.destroy();
    }
    const client = await connectDevice(app.url, device.credentials);
    await client.publishAsync(device.up('ok'), '{"fine":true}', { qos: 1 });
    await waitFor(async () => (await count(device.id)) === 1, 5000, `the valid message (stored: ${JSON.stringify((await owner.query('SELECT topic FROM device_message WHERE device_id = $1', [device.id])).rows)}, counters ${JSON.stringify(app.ingestor.counters)})`);
    client.end(true);
  });
});
