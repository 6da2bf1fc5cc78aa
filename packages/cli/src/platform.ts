/**
 * Runs the whole platform from one process: database (embedded or configured, migrated), mail (catcher or
 * configured), then the apps as child processes with the resolved environment. `conflux start` is a thin
 * shell around `startPlatform`; browser tests call it directly.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseUrls } from '@conflux/db';
import { createSystemClient, type SystemClient } from '@conflux/db/system';
import { startMailCatcher, type MailCatcher } from '@conflux/mail';
import { checkApps, defaultApps, type AppSpec } from './apps.ts';
import { describeExit, spawnChild, type ChildExit, type RunningChild } from './children.ts';
import { describeMigration, prepareDatabase, type PreparedDatabase } from './database.ts';
import { storeDevMail } from './dev-mailbox.ts';
import { LAUNCHER_VARIABLES, parseEnv } from './env.ts';
import { LaunchError } from './launch-error.ts';
import { createLinePrefixer, paint, shouldUseColor, type PrefixColor } from './line-prefixer.ts';
import { findFreePort, isPortFree } from './ports.ts';
import { loadOrCreateSecrets, type LocalSecrets } from './secrets.ts';

/** The repository the launcher belongs to (apps/, node_modules/, the default data folder). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Oldest Node.js major version Conflux runs on. */
export const MINIMUM_NODE_MAJOR = 24;

/** Throws a LaunchError saying how to get a supported Node.js. */
export function assertSupportedNode(version = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (major < MINIMUM_NODE_MAJOR) {
    throw new LaunchError(
      `Conflux needs Node.js ${MINIMUM_NODE_MAJOR} or newer; this is Node ${version}. Install Node 24 ` +
        '(for example `npm i -g --prefix ~/.node24 node@24` and put ~/.node24/bin first on PATH) and try again.',
    );
  }
}

/** startPlatform gave up because its abort signal fired (Ctrl-C during start-up). */
export class StartAborted extends Error {
  override readonly name = 'StartAborted';
  constructor() {
    super('Start-up was interrupted');
  }
}

/** Options of startPlatform; everything has a default fit for `pnpm start`. */
export interface StartPlatformOptions {
  /** Variables to configure from (default: process.env); they are also passed on to the apps. */
  env?: Record<string, string | undefined>;
  repoRoot?: string;
  /** Processes to run instead of portal + worker (tests use stand-ins). The portal must listen on PORT. */
  apps?: AppSpec[];
  /** Receives all output, whole lines (default: process.stdout). */
  write?: (text: string) => void;
  /** Colour the name columns (default: when stdout is a terminal, NO_COLOR/FORCE_COLOR respected). */
  color?: boolean;
  /** Aborting stops everything; during start-up, startPlatform then rejects with StartAborted. */
  signal?: AbortSignal;
  /** How long to wait for the portal to answer HTTP (default 120 s; Infinity waits as long as it takes). */
  readyTimeoutMs?: number;
  /** How long an app gets between SIGTERM and SIGKILL (default 10 s). */
  stopGraceMs?: number;
}

/** Why a running platform ended. */
export type PlatformExit = { reason: 'stopped' } | { reason: 'child-exited'; name: string; exit: ChildExit };

/** A running platform. */
export interface Platform {
  /** PUBLIC_URL, e.g. http://localhost:3000. */
  portalUrl: string;
  /** The dev mailbox page when the mail catcher runs. */
  mailboxUrl: string | undefined;
  /** The Conflux variables given to the apps (database URLs, secrets, SMTP_URL…). */
  env: Record<string, string>;
  databaseUrls: DatabaseUrls;
  /** Resolves once everything has stopped: after stop(), or after an app exited on its own. */
  finished: Promise<PlatformExit>;
  /** Stops the apps (SIGTERM, then SIGKILL after the grace period), the mail catcher and the database. */
  stop(): Promise<void>;
  /** SIGKILLs the apps now (a second Ctrl-C); stop() then finishes quickly. */
  killApps(): void;
}

// Server-side ERRORs are answers to some client, which reports them itself (a first migration causes a few);
// FATAL and PANIC are about the server or a connection, e.g. a refused password.
const DB_PROBLEM = /\b(FATAL|PANIC):/;

/** A broker URL as devices may be shown it: without the ingest's own username and password. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/+$/, '');
}

/** Resolves once something answers HTTP on 127.0.0.1:port (any status), or when `given up` turns true. */
async function waitForHttp(port: number, givenUp: () => boolean): Promise<boolean> {
  while (!givenUp()) {
    const answered = await new Promise<boolean>((resolve) => {
      // agent: false closes the connection afterwards: no idle keep-alive socket delays the portal's shutdown.
      const request = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 60_000 }, (response) => {
        response.resume();
        resolve(true);
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(false));
    });
    if (answered) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** Resolves once every name in `names` has its ready file in `dir` (written by announceReady in core). */
async function waitForReadyFiles(dir: string, names: string[], givenUp: () => boolean): Promise<boolean> {
  while (!givenUp()) {
    if (names.every((name) => fs.existsSync(path.join(dir, name)))) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

export async function startPlatform(options: StartPlatformOptions = {}): Promise<Platform> {
  assertSupportedNode();
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const env = parseEnv(options.env ?? process.env, { repoRoot });
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const color = options.color ?? shouldUseColor(process.stdout);
  const graceMs = options.stopGraceMs ?? 10_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const verbose = env.logLevel === 'debug' || env.logLevel === 'trace';
  const { signal } = options;

  const column = (name: string, c: PrefixColor) => createLinePrefixer({ name, color: color ? c : null, write });
  const dbLog = column('db', 'blue');
  const mailLog = column('mail', 'yellow');
  const say = (text: string) => write(`${text}\n`);
  const throwIfAborted = () => {
    if (signal?.aborted) throw new StartAborted();
  };

  // Cheap checks first: a busy port or a broken checkout fails before the database starts.
  const apps = options.apps ?? defaultApps({ repoRoot, mode: env.mode, port: env.port });
  checkApps(apps);
  if (!(await isPortFree(env.port))) {
    const suggestion = await findFreePort(env.port + 1);
    throw new LaunchError(
      `Port ${env.port} (PORT, the portal) is busy: something else listens on it. Stop it, or choose another ` +
        `port: PORT=${suggestion} pnpm start`,
    );
  }

  // The gateway's port is less precious than the portal's: take the next free one and say so.
  let gatewayPort = env.gatewayPort;
  if (!(await isPortFree(gatewayPort))) {
    gatewayPort = await findFreePort(gatewayPort + 1);
    say(`Port ${env.gatewayPort} (GATEWAY_PORT) is busy: the gateway uses ${gatewayPort} instead (set GATEWAY_PORT to choose)`);
  }
  const gatewayUrl = env.gatewayUrl ?? `http://localhost:${gatewayPort}`;

  // Devices: the embedded broker unless MQTT_URL names one; like the gateway, it takes the next free port.
  let mqttPort = env.mqttPort;
  if (!env.mqttUrl && !(await isPortFree(mqttPort))) {
    mqttPort = await findFreePort(mqttPort + 1);
    say(`Port ${env.mqttPort} (MQTT_PORT) is busy: the embedded MQTT broker uses ${mqttPort} instead (set MQTT_PORT to choose)`);
  }
  const mqttPublicUrl = env.mqttPublicUrl ?? (env.mqttUrl ? withoutCredentials(env.mqttUrl) : `mqtt://localhost:${mqttPort}`);

  let cachedSecrets: LocalSecrets | undefined;
  const secrets = () => {
    if (!cachedSecrets) {
      const loaded = loadOrCreateSecrets(env.dataDir);
      if (loaded.created.length) say(`Generated local secrets (${loaded.created.join(', ')}) in ${loaded.file}`);
      cachedSecrets = loaded.secrets;
    }
    return cachedSecrets;
  };

  let stopping = false;
  let database: PreparedDatabase | undefined;
  let system: SystemClient | undefined;
  let catcher: MailCatcher | undefined;
  const children: RunningChild[] = [];
  let childEnv: Record<string, string> | undefined;
  // Apps other than the portal announce that they work by writing a file here.
  const readyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-ready-'));
  const announcing = apps.filter((app) => app.announcesReady).map((app) => app.name);

  const shutdown = async () => {
    stopping = true;
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['apps', () => Promise.all(children.map((child) => child.stop(graceMs)))],
      ['mail catcher', async () => catcher?.close()],
      ['system client', async () => system?.close()],
      ['database', async () => database?.stop()],
      ['ready folder', async () => fs.rmSync(readyDir, { recursive: true, force: true })],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        say(`Stopping the ${what} failed: ${(error as Error).message}`);
      }
    }
  };

  try {
    throwIfAborted();
    database = await prepareDatabase({
      env,
      secrets,
      info: (message) => dbLog.line(message),
      // The server's own chatter only on debug; problems always, except the expected ones while stopping.
      onServerLog: (line) => {
        if (verbose || (!stopping && DB_PROBLEM.test(line))) dbLog.line(line);
      },
    });
    dbLog.line(describeMigration(database.migration));
    throwIfAborted();

    let smtpUrl = env.smtpUrl;
    if (!smtpUrl) {
      system = createSystemClient(database.urls.systemUrl, { max: 2 });
      const store = storeDevMail(system.db);
      catcher = await startMailCatcher({
        port: 0,
        onMail: async (mail) => {
          await store(mail);
          mailLog.line(`to ${mail.to}: ${mail.subject}`);
        },
        onError: (error) => mailLog.line(`error: ${error.message}`),
      });
      smtpUrl = catcher.url;
      mailLog.line(`Mail catcher on ${catcher.url}: mail sent by the apps lands in the dev mailbox`);
    }
    throwIfAborted();

    childEnv = {
      DATABASE_URL: database.urls.ownerUrl,
      DATABASE_APP_URL: database.urls.appUrl,
      DATABASE_SYSTEM_URL: database.urls.systemUrl,
      AUTH_SECRET: env.authSecret ?? secrets().authSecret,
      MASTER_KEYS: env.masterKeys ?? secrets().masterKey,
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_URL: gatewayUrl,
      MQTT_PORT: String(mqttPort),
      MQTT_PUBLIC_URL: mqttPublicUrl,
      ...(env.mqttUrl ? { MQTT_URL: env.mqttUrl } : {}),
      SMTP_URL: smtpUrl,
      MAIL_FROM: env.mailFrom,
      PUBLIC_URL: env.publicUrl,
      PORT: String(env.port),
      LOG_LEVEL: env.logLevel,
      CONFLUX_DATA_DIR: env.dataDir,
      CONFLUX_READY_DIR: readyDir,
      CONFLUX_MODE: env.mode,
      NODE_ENV: env.mode === 'production' ? 'production' : 'development',
      NEXT_TELEMETRY_DISABLED: '1',
      ...(catcher ? { MAIL_CATCHER: '1' } : {}),
    };
    // The launcher's inputs are replaced by what it resolved: an app never sees an unresolved DATABASE_URL.
    const inherited: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    for (const name of [...LAUNCHER_VARIABLES, 'MAIL_CATCHER']) delete inherited[name];
    if (color && inherited.FORCE_COLOR === undefined) inherited.FORCE_COLOR = '1';

    say(`Starting ${apps.map((app) => app.name).join(', ')} (${env.mode})`);
    for (const app of apps) {
      children.push(
        spawnChild(
          { name: app.name, command: app.command, args: app.args, cwd: app.cwd, env: { ...inherited, ...childEnv } },
          () => column(app.name, app.color),
        ),
      );
    }

    // Ready when the portal answers and every other app announced itself (the worker claims jobs, the
    // gateway listens); an app dying, Ctrl-C or the timeout end the wait first.
    let settled = false;
    let portalAnswered = false;
    const firstExit = Promise.race(children.map((child) => child.exited.then((exit) => ({ name: child.name, exit }))));
    const outcome = await Promise.race([
      Promise.all([waitForHttp(env.port, () => settled).then(() => (portalAnswered = true)), waitForReadyFiles(readyDir, announcing, () => settled)]).then(() => ({ kind: 'ready' as const })),
      firstExit.then((exited) => ({ kind: 'exited' as const, ...exited })),
      new Promise<{ kind: 'aborted' }>((resolve) => {
        if (signal?.aborted) resolve({ kind: 'aborted' });
        signal?.addEventListener('abort', () => resolve({ kind: 'aborted' }), { once: true });
      }),
      new Promise<{ kind: 'timeout' }>((resolve) => {
        if (Number.isFinite(readyTimeoutMs)) setTimeout(() => resolve({ kind: 'timeout' }), readyTimeoutMs).unref();
      }),
    ]);
    settled = true;
    if (outcome.kind === 'aborted') throw new StartAborted();
    if (outcome.kind === 'exited') {
      throw new LaunchError(`${outcome.name} exited during start-up (${describeExit(outcome.exit)}); its output is above`);
    }
    if (outcome.kind === 'timeout') {
      const waiting = announcing.filter((name) => !fs.existsSync(path.join(readyDir, name)));
      throw new LaunchError(
        `Not ready within ${Math.round(readyTimeoutMs / 1000)} s: ` +
          [...(portalAnswered ? [] : [`the portal (port ${env.port})`]), ...waiting].join(', ') +
          ' had not started; their output is above',
      );
    }
  } catch (error) {
    await shutdown();
    throw error;
  }

  // Both are set once the try block completed.
  const databaseUrls = database.urls;
  const appEnv = childEnv;
  const mailboxUrl = catcher ? `${env.publicUrl}/dev/mailbox` : undefined;
  say('');
  say(paint(`  Conflux is ready: ${env.publicUrl}`, color ? 'green' : null, true));
  if (mailboxUrl) say(`  Mailbox (dev): ${mailboxUrl}`);
  say(`  Webhooks:      ${gatewayUrl}/hooks/…`);
  say(`  MQTT:          ${mqttPublicUrl}${env.mqttUrl ? ' (external broker)' : ' (embedded broker)'}`);
  say('');

  let exitReason: PlatformExit | undefined;
  let stopped: Promise<void> | undefined;
  let resolveFinished: (exit: PlatformExit) => void = () => undefined;
  const finished = new Promise<PlatformExit>((resolve) => {
    resolveFinished = resolve;
  });
  const stop = (reason: PlatformExit = { reason: 'stopped' }) => {
    exitReason ??= reason;
    stopped ??= shutdown().then(() => resolveFinished(exitReason ?? reason));
    return stopped;
  };

  for (const child of children) {
    void child.exited.then((exit) => {
      if (stopping) return;
      say(paint(`${child.name} exited unexpectedly (${describeExit(exit)}): stopping Conflux`, color ? 'red' : null, true));
      void stop({ reason: 'child-exited', name: child.name, exit });
    });
  }
  signal?.addEventListener('abort', () => void stop(), { once: true });

  return {
    portalUrl: env.publicUrl,
    mailboxUrl,
    env: appEnv,
    databaseUrls,
    finished,
    stop: () => stop(),
    killApps() {
      for (const child of children) child.kill();
    },
  };
}
