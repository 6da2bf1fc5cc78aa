// One tenant's flood is held to its plan (messages/s from its device quota) and cannot starve another
// tenant's devices: their messages are stored promptly while the flood waits for its own tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { MqttClient } from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { testServices } from '../../portal/src/server/testing.ts';
import type { Services } from '../../portal/src/server/services.ts';
import { connectDevice, createTestDevice, signUpTenant, startTestMqtt, waitFor, type TestTenant } from './testing.ts';
import type { MqttApp } from './app.ts';

let db: TestDatabase;
let services: Services;
let app: MqttApp & { url: string };
let owner: pg.Client;
let flooder: TestTenant;
let neighbour: TestTenant;
const clients: MqttClient[] = [];
const RATE = 100;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  flooder = await signUpTenant(services, 'Flooder');
  neighbour = await signUpTenant(services, 'Neighbour');
  // The flooder's plan: 100 messages/s; everyone else gets the deployment's default.
  await owner.query('INSERT INTO device_quota (tenant_id, messages_per_second) VALUES ($1, $2)', [flooder.id, RATE]);
  app = await startTestMqtt(db, { MQTT_TENANT_RATE: '5000', MQTT_LINGER_MS: '2' });
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await app?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

const stored = async (tenantId: string) => (await owner.query('SELECT count(*)::int AS n FROM device_message WHERE tenant_id = $1', [tenantId])).rows[0].n as number;

describe('per-tenant rate limits and fairness', () => {
  it('holds a flooding tenant to its rate while another tenant’s messages go straight through', async () => {
    const floodDevices = await Promise.all(Array.from({ length: 4 }, (_, i) => createTestDevice(flooder, { name: `Flood ${i}` })));
    const calm = await createTestDevice(neighbour, { name: 'Calm' });
    const flood = await Promise.all(floodDevices.map((d) => connectDevice(app.url, d.credentials)));
    const calmClient = await connectDevice(app.url, calm.credentials);
    clients.push(...flood, calmClient);

    // 4 × 250 = 1,000 messages, far over 100/s (a burst of 200 is allowed first).
    const floodStart = Date.now();
    const floodDone = Promise.all(flood.map((client, i) => Promise.all(Array.from({ length: 250 }, (_, seq) => client.publishAsync(floodDevices[i]!.up('x'), JSON.stringify({ seq }), { qos: 1 })))));
    await waitFor(async () => (await stored(flooder.id)) > 0, 5000, 'the flood to start');

    // Meanwhile the neighbour's messages are acknowledged (= stored) promptly, one after another.
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await calmClient.publishAsync(calm.up('reading'), JSON.stringify({ i }), { qos: 1 });
      latencies.push(performance.now() - t);
    }
    expect(await stored(neighbour.id)).toBe(20);
    expect(Math.max(...latencies)).toBeLessThan(500);
    // …while the flood is still being held back.
    expect(await stored(flooder.id)).toBeLessThan(1000);

    await floodDone;
    const seconds = (Date.now() - floodStart) / 1000;
    expect(await stored(flooder.id)).toBe(1000);
    // 1,000 messages at 100/s after a burst of 200 take about 8 s; nothing is dropped, only delayed.
    expect(seconds).toBeGreaterThan(6);
  }, 60_000);
});
