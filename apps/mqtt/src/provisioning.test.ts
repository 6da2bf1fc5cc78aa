// Fleet provisioning by API with a provisioning key (through the real gateway), the device page's data
// (per-minute counts, last messages, malformed count) and telemetry retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import pino from 'pino';
import { catalogFrom, createKeyring, deleteExpiredTelemetry } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createGateway } from '../../gateway/src/server.ts';
import { testServices, TEST_MASTER_KEY } from '../../portal/src/server/testing.ts';
import type { Services } from '../../portal/src/server/services.ts';
import { connectDevice, createTestDevice, signUpTenant, startTestMqtt, type TestTenant } from './testing.ts';
import type { MqttApp } from './app.ts';

let db: TestDatabase;
let services: Services;
let app: MqttApp & { url: string };
let gateway: ReturnType<typeof createGateway>;
let gatewayUrl: string;
let owner: pg.Client;
let acme: TestTenant;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  app = await startTestMqtt(db);
  gateway = createGateway({
    gate: db.gate,
    system: db.system.db,
    catalog: catalogFrom(connectors),
    keyring: createKeyring([TEST_MASTER_KEY]),
    log: pino({ level: 'silent' }),
    maxBodyBytes: 1_000_000,
    tenantRate: { perSecond: 100, burst: 100 },
    appSecrets: {},
    mqttPublicUrl: app.url,
  });
  gatewayUrl = `http://127.0.0.1:${await gateway.listen(0, '127.0.0.1')}`;
  acme = await signUpTenant(services, 'Fleet Co');
});
afterAll(async () => {
  await gateway?.close();
  await app?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

const provision = (key: string | null, body: unknown) =>
  fetch(`${gatewayUrl}/devices/provision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });

describe('provisioning by API', () => {
  it('registers a device in the key’s tenant; its credentials work; a revoked key provisions nothing', async () => {
    const { key, provisioningKey } = await (await acme.caller()).devices.createProvisioningKey({ name: 'Line 3' });
    expect(key).toMatch(/^cfxp_/);
    expect(JSON.stringify(await (await acme.caller()).devices.provisioningKeys())).not.toContain(key);
    const response = await provision(key, { name: 'Press 17', type: 'press', tags: ['line-3'] });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { device: { id: string; name: string; tags: string[] }; credentials: { username: string; password: string; clientId: string; brokerUrl: string } };
    expect(created.device).toMatchObject({ name: 'Press 17', tags: ['line-3'] });
    expect(created.credentials.brokerUrl).toBe(app.url);
    const row = await owner.query('SELECT tenant_id, password_hash FROM device WHERE id = $1', [created.device.id]);
    expect(row.rows[0].tenant_id).toBe(acme.id);
    expect(row.rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(row.rows[0].password_hash).not.toContain(created.credentials.password);
    const client = await connectDevice(app.url, created.credentials);
    await client.publishAsync(`t/${acme.id}/d/${created.device.id}/up/status`, '{"ok":true}', { qos: 1 });
    client.end(true);

    expect((await provision(key, { name: 'Press 17' })).status).toBe(409);
    expect((await provision(key, { name: 'Sneaky', tenantId: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    expect((await provision(null, { name: 'No key' })).status).toBe(401);
    expect((await provision(`cfxp_${'A'.repeat(43)}`, { name: 'Guessed' })).status).toBe(401);
    await (await acme.caller()).devices.revokeProvisioningKey({ keyId: provisioningKey.id });
    expect((await provision(key, { name: 'After revoke' })).status).toBe(401);
    const keys = await (await acme.caller()).devices.provisioningKeys();
    expect(keys[0]).toMatchObject({ name: 'Line 3', revokedAt: expect.any(Date), lastUsedAt: expect.any(Date) });
  });
});

describe('device page', () => {
  it('shows the last messages, the per-minute chart and the malformed count', async () => {
    const device = await createTestDevice(acme, { name: 'Charted' });
    const client = await connectDevice(app.url, device.credentials);
    for (let i = 0; i < 5; i++) await client.publishAsync(device.up('temperature'), JSON.stringify({ i }), { qos: 1 });
    await client.publishAsync(device.up('temperature'), 'not json', { qos: 1 });
    client.end(true);
    await app.ingestor.writeActivity();
    const page = await (await acme.caller()).devices.page({ deviceId: device.id, messages: 3 });
    expect(page.lastMessages.map((m) => m.preview)).toEqual(['{"i": 4}', '{"i": 3}', '{"i": 2}']);
    expect(page.perMinute).toHaveLength(60);
    expect(page.messagesLastHour).toBe(5);
    expect(page.perMinute.reduce((s, m) => s + m.malformed, 0)).toBe(1);
    expect(page.malformed).toMatchObject({ count: 1, lastReason: expect.stringMatching(/invalid JSON/) });
    expect(page.device.online).toBe(true);
  });
});

describe('telemetry retention', () => {
  it('deletes messages older than the tenant’s retention (quota, else its plan’s) and keeps the rest', async () => {
    const device = await createTestDevice(acme, { name: 'Retained' });
    await owner.query(
      `INSERT INTO device_message (tenant_id, device_id, topic, channel, payload, size, received_at)
       SELECT $1, $2, 't', 'c', '{}', 2, now() - make_interval(days => d) FROM unnest(ARRAY[1, 3, 8, 30]) d`,
      [acme.id, device.id],
    );
    // The free plan keeps 7 days.
    const first = await db.gate.withTenant(acme.id, (tx) => deleteExpiredTelemetry(tx, { tenantId: acme.id }));
    expect(first).toMatchObject({ retentionDays: 7, messages: 2 });
    await owner.query(`INSERT INTO device_quota (tenant_id, retention_days) VALUES ($1, 2)`, [acme.id]);
    const second = await db.gate.withTenant(acme.id, (tx) => deleteExpiredTelemetry(tx, { tenantId: acme.id }));
    expect(second).toMatchObject({ retentionDays: 2, messages: 1 });
    expect((await owner.query('SELECT count(*)::int AS n FROM device_message WHERE device_id = $1', [device.id])).rows[0].n).toBe(1);
  });
});
