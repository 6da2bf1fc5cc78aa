// A batch of device messages is one statement: the messages, and the event and run of every flow each one
// starts. What the flow sees as `trigger` is built by the database from the stored message and the device row,
// so these tests pin it down field by field, for JSON (including a JSON null and digits no double holds) and
// raw payloads, next to what must not happen: a disabled device's message stored, a disabled flow started.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDeviceMessages, type DeviceMessageInput } from '@conflux/core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let owner: pg.Client;
let tenantId: string;
let keyed: string;
let disabledFlow: string;
const devices: Record<'boiler' | 'press' | 'retired', string> = { boiler: '', press: '', retired: '' };

beforeAll(async () => {
  db = await createTestDatabase();
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  tenantId = (await owner.query<{ id: string }>(`INSERT INTO tenant (name) VALUES ('Batch Co') RETURNING id`)).rows[0]!.id;
  const flow = async (name: string, enabled: boolean) => {
    const definition = { trigger: { connector: 'mqtt', trigger: 'deviceMessage', props: {} }, steps: [], ordering: 'key' };
    const id = (await owner.query<{ id: string }>(`INSERT INTO flow (tenant_id, name, enabled, draft, published_version) VALUES ($1, $2, $3, $4, 1) RETURNING id`, [tenantId, name, enabled, definition])).rows[0]!.id;
    await owner.query(`INSERT INTO flow_version (tenant_id, flow_id, version, definition) VALUES ($1, $2, 1, $3)`, [tenantId, id, definition]);
    return id;
  };
  keyed = await flow('Per device', true);
  disabledFlow = await flow('Switched off', false);
  const device = async (name: string, format: 'json' | 'raw', enabled: boolean) =>
    (await owner.query<{ id: string }>(
      `INSERT INTO device (tenant_id, name, type, tags, payload_format, enabled, username, password_hash) VALUES ($1, $2, 'thermometer', '{building-a,roof}', $3, $4, gen_random_uuid()::text, 'x') RETURNING id`,
      [tenantId, name, format, enabled],
    )).rows[0]!.id;
  devices.boiler = await device('Boiler 7', 'json', true);
  devices.press = await device('Press 3', 'raw', true);
  devices.retired = await device('Old boiler', 'json', false);
});

afterAll(async () => {
  await owner?.end();
  await db?.close();
});

function message(deviceId: string, body: { json?: string; raw?: Buffer }, flows: string[], packetId: number): DeviceMessageInput {
  const size = body.raw ? body.raw.length : Buffer.byteLength(body.json!);
  return {
    deviceId,
    topic: `t/${tenantId}/d/${deviceId}/up/telemetry`,
    channel: 'telemetry',
    json: body.json ?? null,
    raw: body.raw ?? null,
    size,
    qos: 1,
    packetId,
    digest: String(-9_000_000_000_000_000_000n + BigInt(packetId)),
    receivedAt: new Date(Date.UTC(2026, 2, 2, 9, 15, 0, packetId)),
    flows,
  };
}

describe('storing a batch of device messages', () => {
  it('stores the messages of enabled devices and starts each matching, enabled flow once per message', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const messages = [
      message(devices.boiler, { json: '{"celsius": 81.5, "serial": 12345678901234567890123, "name": "chaudière"}' }, [keyed], 1),
      message(devices.boiler, { json: 'null' }, [keyed, disabledFlow], 2),
      message(devices.press, { raw: bytes }, [keyed], 3),
      message(devices.retired, { json: '{"celsius": 20}' }, [keyed], 4),
      message(devices.boiler, { json: '[1, "two"]' }, [], 5),
    ];
    const result = await db.gate.withTenant(tenantId, (tx) => storeDeviceMessages(tx, { tenantId, messages }));

    expect(result.events).toBe(3);
    expect(result.ids.map((id) => id !== null)).toEqual([true, true, true, false, true]);
    const [json, jsonNull, raw, , noFlow] = result.ids;

    const stored = await owner.query<{ id: string; payload: string | null; raw: Buffer | null; digest: string; received_at: Date; packet_id: number }>(
      `SELECT id::text, payload::text, raw, digest::text, received_at, packet_id FROM device_message WHERE tenant_id = $1 ORDER BY id`,
      [tenantId],
    );
    expect(stored.rows.map((r) => [r.id, r.payload, r.raw, r.packet_id])).toEqual([
      [json, '{"name": "chaudière", "serial": 12345678901234567890123, "celsius": 81.5}', null, 1],
      [jsonNull, 'null', null, 2],
      [raw, null, bytes, 3],
      [noFlow, '[1, "two"]', null, 5],
    ]);
    expect(stored.rows[0]!.digest).toBe(messages[0]!.digest);
    expect(stored.rows[0]!.received_at.toISOString()).toBe('2026-03-02T09:15:00.001Z');

    const events = await owner.query<{ flow_id: string; source: string; source_event_id: string; payload: Record<string, unknown>; order_key: string; status: string }>(
      `SELECT e.flow_id, e.source, e.source_event_id, e.payload, r.order_key, r.status
         FROM event e JOIN run r ON r.event_id = e.id WHERE e.tenant_id = $1 ORDER BY e.source_event_id::bigint`,
      [tenantId],
    );
    const trigger = (deviceId: string, name: string, messageId: string, ms: number, payloadFormat: 'json' | 'raw', payload: unknown) => ({
      flow_id: keyed,
      source: 'mqtt',
      source_event_id: messageId,
      payload: {
        deviceId,
        deviceName: name,
        deviceType: 'thermometer',
        tags: ['building-a', 'roof'],
        topic: `t/${tenantId}/d/${deviceId}/up/telemetry`,
        channel: 'telemetry',
        payloadFormat,
        qos: 1,
        receivedAt: `2026-03-02T09:15:00.00${ms}Z`,
        payload,
        messageId,
      },
      order_key: `${keyed}:${deviceId}`,
      status: 'queued',
    });
    expect(events.rows).toEqual([
      trigger(devices.boiler, 'Boiler 7', json!, 1, 'json', { celsius: 81.5, serial: 1.2345678901234568e22, name: 'chaudière' }),
      trigger(devices.boiler, 'Boiler 7', jsonNull!, 2, 'json', null),
      trigger(devices.press, 'Press 3', raw!, 3, 'raw', bytes.toString('base64')),
    ]);
    // The big number keeps its digits in the event too.
    const serial = await owner.query<{ serial: string }>(`SELECT payload->'payload'->>'serial' AS serial FROM event WHERE source_event_id = $1`, [json]);
    expect(serial.rows[0]!.serial).toBe('12345678901234567890123');

    // The dispatcher hears of the new runs: the tenant is in the rotation.
    const account = await owner.query<{ pending: boolean }>(`SELECT pending FROM tenant_account WHERE tenant_id = $1`, [tenantId]);
    expect(account.rows[0]!.pending).toBe(true);
  });

  it('stores nothing of a batch with a payload PostgreSQL refuses (the ingestor then splits the batch to find it)', async () => {
    const before = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM device_message WHERE tenant_id = $1`, [tenantId]);
    // 1e400000 is valid JSON that no numeric holds: the whole batch fails with a data error (the ingestor splits it).
    const messages = [message(devices.boiler, { json: '{"ok": 1}' }, [keyed], 10), message(devices.boiler, { json: '{"x": 1e400000}' }, [keyed], 11)];
    await expect(db.gate.withTenant(tenantId, (tx) => storeDeviceMessages(tx, { tenantId, messages }))).rejects.toThrow();
    const after = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM device_message WHERE tenant_id = $1`, [tenantId]);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
