// An ingest restart in the middle of a QoS 1 burst: every message the broker acknowledged is stored exactly
// once — with a graceful stop (SIGTERM: what is queued is written and acknowledged, the rest refused) and
// with a crash (SIGKILL between commit and PUBACK: the device resends, the retransmission is recognised).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { testServices } from '../../portal/src/server/testing.ts';
import type { Services } from '../../portal/src/server/services.ts';
import { createTestDevice, signUpTenant, waitFor, type TestTenant } from './testing.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let acme: TestTenant;
let port: number;
let child: ChildProcess | undefined;
const spawned: ChildProcess[] = [];

async function startIngest(): Promise<ChildProcess> {
  // node itself (tsx as a loader, not its wrapper process), so that SIGKILL kills the process that holds the data.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(root, 'apps/mqtt'),
    env: { ...process.env, DATABASE_APP_URL: db.appUrl, DATABASE_SYSTEM_URL: db.systemUrl, MQTT_PORT: String(port), MQTT_HOST: '127.0.0.1', LOG_LEVEL: 'warn', CI: '1', MQTT_TENANT_RATE: '100000' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  spawned.push(proc);
  // Ready when the port answers.
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const probe = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 500, username: 'probe', password: 'probe' });
        probe.on('error', (error) => {
          probe.end(true);
          resolve(/Bad username|Not authorized/i.test(error.message));
        });
        probe.on('connect', () => resolve(true));
      }),
    30_000,
    'the MQTT app to listen',
  );
  return proc;
}

function stop(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  port = await freePort();
  acme = await signUpTenant(services, 'Burst Inc');
});
afterAll(async () => {
  // Whatever happened in the tests, no ingest process outlives them.
  for (const proc of spawned) await stop(proc, 'SIGKILL');
  await owner?.end();
  await services?.close();
  await db?.close();
});

describe('ingest restart during a QoS 1 burst', () => {
  it.each([['SIGKILL'], ['SIGTERM']] as const)('%s: every acknowledged message is stored exactly once', async (signal) => {
    const devices = await Promise.all(Array.from({ length: 10 }, (_, i) => createTestDevice(acme, { name: `${signal} burst ${i}` })));
    child = await startIngest();
    const perDevice = 600;
    const acked = new Set<string>();
    const clients: MqttClient[] = [];
    let sent = 0;
    const done = Promise.all(
      devices.map(
        (device, d) =>
          new Promise<void>((resolve) => {
            const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { ...device.credentials, reconnectPeriod: 200, connectTimeout: 2000, clean: true });
            clients.push(client);
            client.on('error', () => undefined);
            client.once('connect', () => {
              let pendingAcks = perDevice;
              for (let seq = 0; seq < perDevice; seq++) {
                sent++;
                client.publish(device.up('burst'), JSON.stringify({ d, seq }), { qos: 1 }, (error) => {
                  if (!error) acked.add(`${d}:${seq}`);
                  if (--pendingAcks === 0) resolve();
                });
              }
            });
          }),
      ),
    );
    // Restart once a good part of the burst is acknowledged, with the rest in flight.
    await waitFor(() => acked.size >= (devices.length * perDevice) / 4, 30_000, 'a quarter of the burst');
    const ackedAtStop = acked.size;
    await stop(child, signal);
    child = await startIngest();
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`burst did not finish: ${acked.size}/${sent} acknowledged`)), 60_000))]);
    for (const c of clients) c.end(true);

    const rows = (await owner.query<{ d: number; seq: number; n: number }>(
      `SELECT (payload->>'d')::int AS d, (payload->>'seq')::int AS seq, count(*)::int AS n FROM device_message
        WHERE device_id = ANY($1::uuid[]) GROUP BY 1, 2`,
      [devices.map((d) => d.id)],
    )).rows;
    const stored = new Map(rows.map((r) => [`${r.d}:${r.seq}`, r.n]));
    const missing = [...acked].filter((key) => !stored.has(key));
    const twice = rows.filter((r) => r.n > 1).map((r) => `${r.d}:${r.seq}×${r.n}`);
    expect(ackedAtStop).toBeLessThan(devices.length * perDevice);
    expect(missing, 'acknowledged but not stored').toEqual([]);
    expect(twice, 'stored more than once').toEqual([]);
    expect(acked.size).toBe(devices.length * perDevice);
    await stop(child, 'SIGTERM');
    child = undefined;
  }, 120_000);
});
