/**
 * Test helpers for the MQTT app: the app on a test database (embedded broker on a free port), tenants and
 * devices created through the portal's tRPC API as a person would, and device clients. Used by *.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino from 'pino';
import type { TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { createCaller } from '../../portal/src/server/root.ts';
import type { Services } from '../../portal/src/server/services.ts';
import { signUpAndSignIn } from '../../portal/src/server/testing.ts';
import { startMqttApp, type MqttApp, type MqttAppOverrides } from './app.ts';
import { parseMqttConfig } from './env.ts';

/** The MQTT app with its embedded broker on a free port (or a client of MQTT_URL), quiet. */
export async function startTestMqtt(db: TestDatabase, env: Record<string, string> = {}, overrides: MqttAppOverrides = {}): Promise<MqttApp & { url: string }> {
  const config = parseMqttConfig({ DATABASE_APP_URL: db.appUrl, DATABASE_SYSTEM_URL: db.systemUrl, MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  const app = await startMqttApp(config, pino({ level: process.env.MQTT_TEST_LOG ?? 'silent' }), { pollIntervalMs: 500, ...overrides });
  return { ...app, url: `mqtt://127.0.0.1:${app.port}` };
}

/** A tenant member's tRPC caller. */
export type Caller = ReturnType<typeof createCaller>;

/** A tenant with a signed-in owner. */
export interface TestTenant {
  id: string;
  caller(): Promise<Caller>;
}

let counter = 0;

export async function signUpTenant(services: Services, name: string): Promise<TestTenant> {
  const user = await signUpAndSignIn(services, { name: `${name} Owner`, email: `owner-${counter++}-${Date.now()}@${name.toLowerCase().replace(/\W+/g, '')}.test`, workspaceName: name });
  const caller = async () => createCaller(await user.context());
  const tenant = await (await caller()).tenant.get();
  return { id: tenant.id, caller };
}

/** A device's credentials as the API returns them once. */
export interface Credentials {
  username: string;
  password: string;
  clientId: string;
}

/** Creates a device through the API; returns its id, credentials and topics. */
export async function createTestDevice(tenant: TestTenant, params: { name: string; payloadFormat?: 'json' | 'raw'; tags?: string[]; type?: string }) {
  const created = await (await tenant.caller()).devices.create(params);
  const up = (channel: string) => `t/${tenant.id}/d/${created.device.id}/up/${channel}`;
  const down = (channel: string) => `t/${tenant.id}/d/${created.device.id}/down/${channel}`;
  return { id: created.device.id, tenantId: tenant.id, credentials: created.credentials as Credentials, up, down };
}

/** Connects like a device; rejects with the broker's refusal (wrong credentials…). No automatic reconnect. */
export function connectDevice(url: string, credentials: Partial<Credentials> | null, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: credentials?.clientId ?? `test-${Math.random().toString(36).slice(2)}`,
      username: credentials?.username,
      password: credentials?.password,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: 4,
      ...options,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** Resolves when the client's connection closes (e.g. the broker disconnected it). */
export function closed(client: MqttClient, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A Mosquitto of a test's own. */
export interface TestMosquitto {
  url: string;
  port: number;
  /** With dynamic security: the admin account's URL (it also gets what the ingest needs, see the README). */
  adminUrl: string | undefined;
  stop(): Promise<void>;
}

const installMosquitto = 'install Mosquitto (`apt-get install -y mosquitto`; the package brings mosquitto_ctrl and the dynamic-security plugin)';

/**
 * Starts a Mosquitto on a free port (so a test never shares a broker or depends on one being up): anonymous,
 * or with the dynamic-security plugin (no anonymous access; an admin account that may also ingest).
 */
export async function startTestMosquitto(options: { dynamicSecurity?: boolean } = {}): Promise<TestMosquitto> {
  const bin = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => fs.existsSync(p));
  if (!bin) throw new Error(`No Mosquitto for the client-mode tests: ${installMosquitto}`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-mosquitto-'));
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false'];
  let adminUrl: string | undefined;
  if (options.dynamicSecurity) {
    const plugin = ['/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/mosquitto_dynamic_security.so'].find((p) => fs.existsSync(p));
    const ctrl = ['/usr/bin/mosquitto_ctrl', '/usr/local/bin/mosquitto_ctrl'].find((p) => fs.existsSync(p));
    if (!plugin || !ctrl) throw new Error(`No dynamic-security plugin or mosquitto_ctrl: ${installMosquitto}`);
    const file = path.join(dir, 'dynamic-security.json');
    const password = `admin-${Math.random().toString(36).slice(2)}`;
    execFileSync(ctrl, ['dynsec', 'init', file, 'admin', password], { stdio: 'ignore' });
    // The admin role may administer the plugin; the ingest also needs its shared subscription and commands.
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { roles: { rolename: string; acls: unknown[] }[] };
    config.roles
      .find((r) => r.rolename === 'admin')!
      .acls.push(
        { acltype: 'subscribePattern', topic: '$share/+/t/+/d/+/up/#', allow: true },
        { acltype: 'publishClientSend', topic: 't/+/d/+/down/#', allow: true },
      );
    fs.writeFileSync(file, JSON.stringify(config));
    lines.push('allow_anonymous false', `plugin ${plugin}`, `plugin_opt_config_file ${file}`);
    adminUrl = `mqtt://admin:${password}@127.0.0.1:${port}`;
  } else {
    lines.push('allow_anonymous true');
  }
  // Run as root (CI), Mosquitto would switch to its own user, which may not read this test's files.
  if (process.getuid?.() === 0) lines.push('user root');
  fs.writeFileSync(path.join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
  const child = spawn(bin, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const up = await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.setTimeout(1000);
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
        socket.once('timeout', () => (socket.destroy(), resolve(false)));
      }),
    10_000,
    'Mosquitto to listen',
  ).catch(() => false);
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`Mosquitto did not start on port ${port} (exit ${child.exitCode})`);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    adminUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }).finally(() => fs.rmSync(dir, { recursive: true, force: true })),
  };
}
