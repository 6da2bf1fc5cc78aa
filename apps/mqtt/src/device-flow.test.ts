// A device message starts a flow that calls an HTTP target and sends a command back, which the device
// receives — through the real MQTT app, worker (egress allowed to loopback) and HTTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import pg from 'pg';
import type { MqttClient } from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { startHttpServer, type TestServer } from '../../../test/support/http-server.ts';
import { testServices, TEST_MASTER_KEY } from '../../portal/src/server/testing.ts';
import type { Services } from '../../portal/src/server/services.ts';
import { parseWorkerConfig } from '../../worker/src/env.ts';
import { startWorker, type RunningWorker } from '../../worker/src/worker.ts';
import { connectDevice, createTestDevice, signUpTenant, startTestMqtt, waitFor, type TestTenant } from './testing.ts';
import type { MqttApp } from './app.ts';

let db: TestDatabase;
let services: Services;
let app: MqttApp & { url: string };
let worker: RunningWorker;
let target: TestServer;
let owner: pg.Client;
let acme: TestTenant;
const clients: MqttClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  target = await startHttpServer((request) => ({ status: 201, body: { ticket: 'T-1', received: JSON.parse(request.body || 'null') } }));
  app = await startTestMqtt(db);
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_SYSTEM_URL: db.systemUrl,
      DATABASE_APP_URL: db.appUrl,
      SMTP_URL: 'smtp://127.0.0.1:1',
      MASTER_KEYS: TEST_MASTER_KEY,
      EGRESS_ALLOW: '127.0.0.0/8',
      WORKER_CONCURRENCY: '4',
      LOG_LEVEL: 'silent',
    }),
    pino({ level: 'silent' }),
  );
  acme = await signUpTenant(services, 'Acme Heating');
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await app?.close();
  await worker?.stop();
  await target?.close();
  await owner?.end();
  await services?.close();
  await db?.close();
});

describe('device message → flow → HTTP call and command back', () => {
  it('turns a matching reading into a ticket and a command the device receives; other messages start nothing', async () => {
    const boiler = await createTestDevice(acme, { name: 'Boiler 7', type: 'thermometer', tags: ['building-a'] });
    const other = await createTestDevice(acme, { name: 'Boiler 8', tags: ['building-b'] });
    const caller = await acme.caller();
    const flow = await caller.flows.create({
      name: 'Overheating',
      definition: {
        trigger: { connector: 'mqtt', trigger: 'deviceMessage', props: { topicFilter: 't/+/d/+/up/temperature', tag: 'building-a' } },
        steps: [
          { kind: 'filter', key: 'hot', expression: 'trigger.payload.celsius > 80' },
          {
            kind: 'action',
            key: 'ticket',
            connector: 'http',
            action: 'request',
            props: { method: 'POST', url: `${target.url}/tickets`, body: { expr: '{"device": trigger.deviceName, "celsius": trigger.payload.celsius, "tags": trigger.tags}' } },
          },
          {
            kind: 'action',
            key: 'shutOff',
            connector: 'mqtt',
            action: 'sendCommand',
            props: { deviceId: { expr: 'trigger.deviceId' }, channel: 'valve', payload: { expr: '{"open": false, "ticket": steps.ticket.body.ticket}' }, qos: 1 },
          },
        ],
      },
    });
    await caller.flows.publish({ flowId: flow.id });
    await caller.flows.setEnabled({ flowId: flow.id, enabled: true });

    const device = await connectDevice(app.url, boiler.credentials);
    clients.push(device);
    const commands: { topic: string; payload: string }[] = [];
    device.on('message', (topic, payload) => commands.push({ topic, payload: payload.toString() }));
    await device.subscribeAsync(boiler.down('#'), { qos: 1 });
    const otherClient = await connectDevice(app.url, other.credentials);
    clients.push(otherClient);

    await device.publishAsync(boiler.up('humidity'), '{"percent":40}', { qos: 1 }); // wrong channel
    await otherClient.publishAsync(other.up('temperature'), '{"celsius":99}', { qos: 1 }); // wrong tag
    await device.publishAsync(boiler.up('temperature'), '{"celsius":85.5}', { qos: 1 });

    await waitFor(() => commands.length > 0, 20_000, 'the command on the device');
    expect(commands).toEqual([{ topic: boiler.down('valve'), payload: '{"open":false,"ticket":"T-1"}' }]);
    expect(target.requests.map((r) => [r.method, r.path, JSON.parse(r.body)])).toEqual([['POST', '/tickets', { device: 'Boiler 7', celsius: 85.5, tags: ['building-a'] }]]);

    const runs = await (await acme.caller()).runs.list({ flowId: flow.id });
    const items = (runs as { items?: { status: string }[] }).items ?? (runs as unknown as { status: string }[]);
    expect(items.map((r) => r.status)).toEqual(['succeeded']);
    // The event is the stored message: its id is the message's.
    const events = await owner.query(`SELECT e.source, e.source_event_id, e.payload->>'deviceId' AS device, m.id::text AS message FROM event e JOIN device_message m ON m.id::text = e.source_event_id WHERE e.flow_id = $1`, [flow.id]);
    expect(events.rows).toEqual([{ source: 'mqtt', source_event_id: events.rows[0].message, device: boiler.id, message: events.rows[0].message }]);
    const command = await owner.query(`SELECT status, idempotency_key FROM device_command WHERE device_id = $1`, [boiler.id]);
    expect(command.rows).toEqual([{ status: 'sent', idempotency_key: expect.stringMatching(/:shutOff$/) }]);
  });

  it('refuses a command to another tenant’s device: the step fails permanently, nothing is published', async () => {
    const globex = await signUpTenant(services, 'Globex');
    const foreign = await createTestDevice(globex, { name: 'Foreign valve' });
    const sensor = await createTestDevice(acme, { name: 'Trigger sensor' });
    const caller = await acme.caller();
    const flow = await caller.flows.create({
      name: 'Reach across',
      definition: {
        trigger: { connector: 'mqtt', trigger: 'deviceMessage', props: { deviceId: sensor.id } },
        steps: [{ kind: 'action', key: 'poke', connector: 'mqtt', action: 'sendCommand', props: { deviceId: foreign.id, channel: 'valve', payload: 'open', qos: 1 } }],
      },
    });
    await caller.flows.publish({ flowId: flow.id });
    await caller.flows.setEnabled({ flowId: flow.id, enabled: true });
    const client = await connectDevice(app.url, sensor.credentials);
    clients.push(client);
    await client.publishAsync(sensor.up('x'), '{"a":1}', { qos: 1 });
    const run = await waitFor(async () => (await owner.query(`SELECT status, error FROM run WHERE flow_id = $1 AND status IN ('failed', 'succeeded')`, [flow.id])).rows[0], 20_000, 'the run to finish');
    expect(run.status).toBe('failed');
    expect(JSON.stringify(run.error)).toMatch(/device does not exist/i);
    expect((await owner.query('SELECT count(*)::int AS n FROM device_command WHERE device_id = $1', [foreign.id])).rows[0].n).toBe(0);
  });
});
