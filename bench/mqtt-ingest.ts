/**
 * Device ingestion: simulated devices publish QoS 1 JSON messages as fast as the path lets them (each keeps
 * BENCH_WINDOW messages in flight), first through a plain aedes broker to one plain subscriber (the
 * broker-only ceiling: no authentication, no storage), then through the MQTT app (embedded broker,
 * registry authentication, micro-batched storage) in three phases on the same connections: `storage` (no
 * flow matches), `alerts10` (a flow per tenant on the alert channel, 1 message in 10), `all` (a flow per
 * tenant matching every message: each message is also an event, a run and a job). One invocation, one machine.
 *
 * Measured: messages/s acknowledged (the MQTT app acknowledges a message after its batch has committed, so
 * this is messages durably stored), events/s, publish-to-PUBACK latency (an upper bound of publish-to-row,
 * since the row commits before the PUBACK leaves), and lost messages: acknowledged messages missing from
 * the database, which must be 0 (duplicates are reported too).
 *
 * Settings (environment): BENCH_DEVICES (1000), BENCH_TENANTS (10), BENCH_SECONDS (15), BENCH_WARMUP_SECONDS
 * (3), BENCH_WINDOW (10), BENCH_BATCH_MAX (1000), BENCH_FLUSH_CONCURRENCY (4), BENCH_LINGER_MS (5),
 * BENCH_PHASES (storage,alerts10,all), DATABASE_URL (else an embedded server).
 *
 * JSON on stdout; progress on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashDevicePassword } from '../packages/core/src/devices/credentials.ts';
import { freePort, startBenchDatabase } from './lib/database.ts';
import { pg } from './lib/modules.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromMqttApp = createRequire(path.join(root, 'apps/mqtt/package.json'));
const mqtt = fromMqttApp('mqtt') as typeof import('../apps/mqtt/node_modules/mqtt');
type MqttClient = import('../apps/mqtt/node_modules/mqtt').MqttClient;

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const config = {
  devices: num('BENCH_DEVICES', 1000),
  tenants: num('BENCH_TENANTS', 10),
  seconds: num('BENCH_SECONDS', 15),
  warmupSeconds: num('BENCH_WARMUP_SECONDS', 3),
  window: num('BENCH_WINDOW', 10),
  batchMax: num('BENCH_BATCH_MAX', 1000),
  flushConcurrency: num('BENCH_FLUSH_CONCURRENCY', 4),
  lingerMs: num('BENCH_LINGER_MS', 5),
  phases: (env.BENCH_PHASES ?? 'storage,alerts10,all').split(',').map((p) => p.trim()).filter(Boolean),
};
const say = (line: string) => process.stderr.write(`[bench:mqtt] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A child process, waited for until its port accepts MQTT connections. */
async function startChild(args: string[], childEnv: Record<string, string>, port: number, cwd: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...childEnv }, stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1000, username: 'probe', password: 'probe' });
      probe.on('connect', () => (probe.end(true), resolve(true)));
      probe.on('error', (e) => (probe.end(true), resolve(/Bad username|Not authorized/i.test(e.message))));
    });
    if (ok) return child;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${args.join(' ')} did not start`);
    await sleep(200);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

interface Device {
  index: number;
  tenantId: string;
  deviceId: string;
}

interface LoadResult {
  published: number;
  acked: number;
  ackedInWindow: number;
  failed: number;
  seconds: number;
  latencies: Float64Array;
}

/** Connects every device (100 at a time). */
async function connectAll(params: { port: number; devices: Device[]; credentials?: (d: Device) => { username: string; password: string } }): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  say(`connecting ${params.devices.length} devices…`);
  const connectStart = performance.now();
  for (let i = 0; i < params.devices.length; i += 100) {
    await Promise.all(
      params.devices.slice(i, i + 100).map(
        (device) =>
          new Promise<void>((resolve, reject) => {
            const client = mqtt.connect(`mqtt://127.0.0.1:${params.port}`, {
              clientId: `bench-${device.deviceId}`,
              ...(params.credentials?.(device) ?? {}),
              reconnectPeriod: 0,
              connectTimeout: 120_000,
              keepalive: 120,
            });
            client.once('connect', () => resolve());
            client.once('error', reject);
            clients[device.index] = client;
          }),
      ),
    );
  }
  say(`connected in ${round((performance.now() - connectStart) / 1000)} s`);
  return clients;
}

const sequences = new Map<number, number>();
/** Keys (device index × 10^7 + seq) of every acknowledged message, across phases. */
const ackedKeys = new Set<number>();

/**
 * Runs the closed-loop load: every device keeps `window` QoS 1 messages in flight for warmup + measured
 * seconds, then waits (up to 15 s) for the last acknowledgements. One message in `alertEvery` goes to the
 * `alert` channel, the others to `telemetry`.
 */
async function runLoad(params: { devices: Device[]; clients: MqttClient[]; alertEvery?: number }): Promise<LoadResult> {
  const maxSamples = 2_000_000;
  const latencies = new Float64Array(maxSamples);
  let samples = 0;
  let published = 0;
  let acked = 0;
  let failed = 0;
  let ackedInWindow = 0;
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  let stopAt = Infinity;

  const pump = (device: Device, client: MqttClient) => {
    if (performance.now() >= stopAt) return;
    const seq = sequences.get(device.index) ?? 0;
    sequences.set(device.index, seq + 1);
    const key = device.index * 10_000_000 + seq;
    const sentAt = performance.now();
    published++;
    const channel = params.alertEvery && seq % params.alertEvery === 0 ? 'alert' : 'telemetry';
    const payload = `{"d":${device.index},"seq":${seq},"t":${Date.now()},"celsius":${(20 + (seq % 50) / 10).toFixed(1)},"status":"ok"}`;
    client.publish(`t/${device.tenantId}/d/${device.deviceId}/up/${channel}`, payload, { qos: 1 }, (error) => {
      if (error) {
        failed++;
        return;
      }
      acked++;
      ackedKeys.add(key);
      if (phase === 'measure') {
        ackedInWindow++;
        if (samples < maxSamples) latencies[samples++] = performance.now() - sentAt;
      }
      pump(device, client);
    });
  };
  const start = performance.now();
  stopAt = start + (config.warmupSeconds + config.seconds) * 1000;
  for (const device of params.devices) for (let w = 0; w < config.window; w++) pump(device, params.clients[device.index]!);
  await sleep(config.warmupSeconds * 1000);
  phase = 'measure';
  const measureFrom = performance.now();
  const progress = setInterval(() => say(`  ${ackedInWindow} acknowledged so far`), 5000);
  await sleep(config.seconds * 1000);
  const seconds = (performance.now() - measureFrom) / 1000;
  phase = 'drain';
  clearInterval(progress);
  const drainDeadline = Date.now() + 15_000;
  while (acked + failed < published && Date.now() < drainDeadline) await sleep(50);
  const sorted = latencies.slice(0, samples).sort();
  return { published, acked, ackedInWindow, failed, seconds, latencies: sorted };
}

async function main() {
  say(`machine: ${os.cpus().length} cores, ${round(os.totalmem() / 2 ** 30)} GiB; ${JSON.stringify(config)}`);
  const db = await startBenchDatabase(say);
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  try {
    // Tenants, devices (one password for all: the hash is made once) and, per tenant, a published, enabled
    // flow whose MQTT trigger matches every message.
    const password = 'bench-device-password-0123456789';
    const hash = await hashDevicePassword(password);
    const devices: Device[] = [];
    for (let t = 0; t < config.tenants; t++) {
      const tenantId = (await owner.query<{ id: string }>(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [`Bench ${t}`])).rows[0]!.id;
      // Two flows per tenant, enabled phase by phase: one for the alert channel, one for every message.
      for (const [name, topicFilter] of [['Alerts', 't/+/d/+/up/alert'], ['Everything', 't/+/d/+/up/#']] as const) {
        const definition = { trigger: { connector: 'mqtt', trigger: 'deviceMessage', props: { topicFilter } }, steps: [{ kind: 'filter', key: 'hot', expression: 'trigger.payload.celsius > 100' }] };
        const flow = await owner.query<{ id: string }>(`INSERT INTO flow (tenant_id, name, enabled, draft, published_version) VALUES ($1, $2, false, $3, 1) RETURNING id`, [tenantId, name, definition]);
        await owner.query(`INSERT INTO flow_version (tenant_id, flow_id, version, definition) VALUES ($1, $2, 1, $3)`, [tenantId, flow.rows[0]!.id, definition]);
      }
    }
    const tenantIds = (await owner.query<{ id: string }>(`SELECT id FROM tenant ORDER BY name`)).rows.map((r) => r.id);
    for (let i = 0; i < config.devices; i++) {
      const tenantId = tenantIds[i % tenantIds.length]!;
      const id = (await owner.query<{ id: string }>(`INSERT INTO device (tenant_id, name, username, password_hash) VALUES ($1, $2, gen_random_uuid()::text, $3) RETURNING id`, [tenantId, `Device ${i}`, hash])).rows[0]!.id;
      await owner.query(`UPDATE device SET username = id::text WHERE id = $1`, [id]);
      devices.push({ index: i, tenantId, deviceId: id });
    }
    say(`${config.tenants} tenants, ${devices.length} devices`);

    // Phase 1: the broker-only ceiling.
    const plainPort = await freePort();
    const plainScript = `
      import { createRequire } from 'node:module';
      import net from 'node:net';
      const require = createRequire(${JSON.stringify(path.join(root, 'apps/mqtt/package.json'))});
      const { Aedes } = await import(require.resolve('aedes'));
      const broker = await Aedes.createBroker({ concurrency: 1000 });
      net.createServer((s) => { s.setNoDelay(true); broker.handle(s); }).listen(${plainPort}, '127.0.0.1');
      process.on('SIGTERM', () => broker.close(() => process.exit(0)));`;
    const plain = await startChild(['--input-type=module', '-e', plainScript], {}, plainPort, root);
    let delivered = 0;
    const subscriber = await new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${plainPort}`, { clientId: 'bench-subscriber', reconnectPeriod: 0 });
      c.once('connect', () => c.subscribe('t/#', { qos: 1 }, (e) => (e ? reject(e) : resolve(c))));
      c.once('error', reject);
    });
    let deliveredAtMeasure = 0;
    subscriber.on('message', () => delivered++);
    say('phase 1: broker only (publisher → aedes → plain subscriber)');
    const ceilingStart = { delivered: 0 };
    const plainClients = await connectAll({ port: plainPort, devices });
    const warmTimer = setTimeout(() => (ceilingStart.delivered = delivered), config.warmupSeconds * 1000);
    const ceiling = await runLoad({ devices, clients: plainClients });
    clearTimeout(warmTimer);
    deliveredAtMeasure = delivered - ceilingStart.delivered;
    await Promise.all(plainClients.map((c) => c.endAsync(true).catch(() => undefined)));
    // The broker-only phase stores nothing: losses are counted for the MQTT app's phases only.
    ackedKeys.clear();
    sequences.clear();
    await subscriber.endAsync(true);
    // The plain aedes broker can die of its own recursion (a stack overflow in its batch reader) when
    // overloaded; a ceiling measured on a broker that died mid-phase is no ceiling, so it is reported as such.
    const ceilingBrokerCrashed = plain.exitCode !== null;
    if (ceilingBrokerCrashed) say(`the plain broker died during phase 1 (exit ${plain.exitCode}): its ceiling is not valid in this run`);
    await stopChild(plain);
    const ceilingDeliveredPerSecond = deliveredAtMeasure / (ceiling.seconds + 0.0001);

    // Phase 2: the MQTT app.
    const appPort = await freePort();
    say('phase 2: Conflux MQTT app (embedded broker, auth, batched storage, events)');
    const app = await startChild(['--import', 'tsx', 'src/main.ts'], {
      DATABASE_APP_URL: db.appUrl,
      DATABASE_SYSTEM_URL: db.systemUrl,
      MQTT_PORT: String(appPort),
      MQTT_HOST: '127.0.0.1',
      MQTT_TENANT_RATE: '1000000',
      MQTT_BATCH_MAX: String(config.batchMax),
      MQTT_FLUSH_CONCURRENCY: String(config.flushConcurrency),
      MQTT_LINGER_MS: String(config.lingerMs),
      LOG_LEVEL: 'warn',
      CI: '1',
    }, appPort, path.join(root, 'apps/mqtt'));
    const clients = await connectAll({ port: appPort, devices, credentials: (d) => ({ username: d.deviceId, password }) });
    const count = async (sql: string) => Number((await owner.query(sql)).rows[0].count);
    const phases: Record<string, unknown> = {};
    let storedPerSecond = 0;
    let eventsPerSecond = 0;
    let p99 = 0;
    for (const phase of config.phases) {
      const enabled = phase === 'alerts10' ? 'Alerts' : phase === 'all' ? 'Everything' : '';
      await owner.query(`UPDATE flow SET enabled = (name = $1)`, [enabled]);
      await sleep(500);
      const eventsBefore = await count(`SELECT count(*) FROM event`);
      say(`phase 2/${phase}: ${enabled ? `flow "${enabled}" enabled` : 'no flow enabled (storage only)'}`);
      const load = await runLoad({ devices, clients, alertEvery: 10 });
      const events = (await count(`SELECT count(*) FROM event`)) - eventsBefore;
      const perSecond = load.ackedInWindow / load.seconds;
      const eventRate = perSecond * (events / Math.max(1, load.acked));
      phases[phase] = {
        what: phase === 'storage' ? 'every message stored; no flow matches' : phase === 'alerts10' ? 'every message stored; 1 in 10 (the alert channel) starts a flow run' : 'every message stored and starts a flow run (an event and a run each)',
        storedPerSecond: round(perSecond),
        ratioToBrokerOnly: round(perSecond / Math.max(1, ceilingDeliveredPerSecond), 3),
        eventsPerSecond: round(eventRate),
        publishToRowMs: { p50: round(percentile(load.latencies, 50), 2), p90: round(percentile(load.latencies, 90), 2), p99: round(percentile(load.latencies, 99), 2), max: round(percentile(load.latencies, 100), 2) },
        published: load.published,
        acknowledged: load.acked,
        failed: load.failed,
        events,
      };
      say(`  stored ${round(perSecond)}/s, events ${round(eventRate)}/s, p99 ${round(percentile(load.latencies, 99), 1)} ms`);
      if (phase === config.phases[config.phases.length - 1]) {
        storedPerSecond = perSecond;
        eventsPerSecond = eventRate;
        p99 = percentile(load.latencies, 99);
      }
    }
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await stopChild(app);

    // Lost = acknowledged but not in the database; duplicates = stored more than once.
    const rows = await owner.query<{ d: number; seq: number; n: number }>(`SELECT (payload->>'d')::int AS d, (payload->>'seq')::int AS seq, count(*)::int AS n FROM device_message GROUP BY 1, 2`);
    const inDb = new Set(rows.rows.map((r) => r.d * 10_000_000 + r.seq));
    let lost = 0;
    for (const key of ackedKeys) if (!inDb.has(key)) lost++;
    const duplicates = rows.rows.reduce((s, r) => s + (r.n - 1), 0);
    const runs = await count(`SELECT count(*) FROM run`);
    // Runs are their own queue entries: the ones not yet executed.
    const jobs = await count(`SELECT count(*) FROM run WHERE status IN ('queued', 'retrying')`);
    const events = await count(`SELECT count(*) FROM event`);

    const result = {
      benchmark: 'mqtt-ingest',
      machine: { cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
      database: { kind: db.kind, version: db.server.version },
      config,
      brokerOnly: {
        what: 'mqtt.js publishers → plain aedes → one plain subscriber (t/#, QoS 1); no auth, no storage',
        publishAckedPerSecond: round(ceiling.ackedInWindow / ceiling.seconds),
        deliveredPerSecond: round(ceilingDeliveredPerSecond),
        pubackLatencyMs: { p50: round(percentile(ceiling.latencies, 50), 2), p99: round(percentile(ceiling.latencies, 99), 2) },
        brokerCrashed: ceilingBrokerCrashed,
      },
      conflux: {
        what: 'mqtt.js publishers → MQTT app (embedded aedes, registry auth, PUBACK after commit) → PostgreSQL',
        phases,
        acknowledged: ackedKeys.size,
        storedRows: rows.rows.reduce((s, r) => s + r.n, 0),
        lostMessages: lost,
        duplicateRows: duplicates,
        events,
        runs,
        jobs,
      },
      lastPhase: { phase: config.phases[config.phases.length - 1], storedPerSecond: round(storedPerSecond), eventsPerSecond: round(eventsPerSecond), p99Ms: round(p99, 2) },
      ratioToBrokerOnly: ceilingBrokerCrashed ? null : round(storedPerSecond / Math.max(1, ceilingDeliveredPerSecond), 3),
      target: { storedPerSecond: 20_000, orHalfOfBrokerOnly: round(ceilingDeliveredPerSecond / 2) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    say(`broker only ${result.brokerOnly.deliveredPerSecond}/s; Conflux ${JSON.stringify(phases)}; lost ${lost}, duplicates ${duplicates}`);
  } finally {
    await owner.end();
    await db.close();
  }
}

await main();
process.exit(0);
