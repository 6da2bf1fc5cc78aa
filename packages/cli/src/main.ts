#!/usr/bin/env tsx
/**
 * The `conflux` command. `start` runs the whole platform in this terminal (embedded defaults for whatever
 * is not configured); `migrate` applies the database migrations and exits.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { describeMigration, prepareDatabase } from './database.ts';
import { EnvError, parseEnv } from './env.ts';
import { LaunchError } from './launch-error.ts';
import { createLinePrefixer, paint, shouldUseColor } from './line-prefixer.ts';
import { assertSupportedNode, REPO_ROOT, StartAborted, startPlatform, type Platform } from './platform.ts';
import { loadOrCreateSecrets } from './secrets.ts';

const USAGE = `Usage: conflux <command>

Commands:
  start     run the portal and the worker (embedded PostgreSQL and mail catcher unless configured)
  migrate   apply database migrations to DATABASE_URL (or the embedded database) and exit

Configuration comes from environment variables: DATABASE_URL, SMTP_URL, PORT, PUBLIC_URL, AUTH_SECRET,
CONFLUX_DATA_DIR, CONFLUX_MODE (development | production), LOG_LEVEL, EMBEDDED_PG_PORT — see the README.`;

const color = shouldUseColor(process.stderr);

function fail(error: unknown): number {
  if (error instanceof LaunchError || error instanceof EnvError) {
    process.stderr.write(`${paint('✖', color ? 'red' : null, true)} ${error.message}\n`);
  } else {
    process.stderr.write(`${paint('✖ Unexpected error:', color ? 'red' : null, true)} ${(error as Error)?.stack ?? String(error)}\n`);
  }
  return 1;
}

/** Internal: marks the launcher process that `conflux start` runs in a process group of its own. */
const IN_OWN_GROUP = '--in-own-process-group';

/**
 * Runs the launcher in a session of its own and relays signals to it. A Ctrl-C in the terminal goes to the
 * whole foreground process group, and the embedded PostgreSQL would be in it: it would shut down at once,
 * under the worker's feet, while the worker is still finishing its jobs. With the launcher (and so the
 * database) out of that group, only the launcher hears the signal, and it stops the apps first.
 */
function superviseStart(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', 'start', IN_OWN_GROUP], {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  let lastRelay = 0;
  const relay = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice (from the terminal and from a wrapper such as pnpm or tsx): within half a
    // second it is the same request, not the "kill now" second press.
    if (Date.now() - lastRelay < 500) return;
    lastRelay = Date.now();
    child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, relay);
  return new Promise((resolve) => {
    child.once('error', (error) => resolve(fail(error)));
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  });
}

async function start(): Promise<number> {
  const controller = new AbortController();
  let platform: Platform | undefined;
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      process.stdout.write(`\nReceived ${name}: stopping Conflux (press Ctrl-C again to kill the apps at once)\n`);
      controller.abort();
    } else {
      process.stdout.write('Killing the apps now\n');
      platform?.killApps();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // If the supervising process is killed outright, nobody would relay a Ctrl-C any more: stop by ourselves.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && signals === 0) onSignal('SIGHUP');
  }, 1000).unref();

  try {
    platform = await startPlatform({ signal: controller.signal, readyTimeoutMs: Number.POSITIVE_INFINITY });
  } catch (error) {
    if (error instanceof StartAborted) return 0;
    return fail(error);
  }
  if (controller.signal.aborted) await platform.stop();
  const result = await platform.finished;
  if (result.reason === 'child-exited') {
    process.stderr.write(`${paint('✖', color ? 'red' : null, true)} Conflux stopped because ${result.name} exited\n`);
    return 1;
  }
  process.stdout.write('Conflux stopped\n');
  return 0;
}

async function migrateCommand(): Promise<number> {
  try {
    assertSupportedNode();
    const env = parseEnv(process.env, { repoRoot: REPO_ROOT });
    const dbLog = createLinePrefixer({ name: 'db', color: color ? 'blue' : null, write: (t) => void process.stdout.write(t) });
    const database = await prepareDatabase({
      env,
      secrets: () => loadOrCreateSecrets(env.dataDir).secrets,
      info: (message) => dbLog.line(message),
      onServerLog: (line) => {
        if (env.logLevel === 'debug' || env.logLevel === 'trace') dbLog.line(line);
      },
    });
    process.stdout.write(`${describeMigration(database.migration)}\n`);
    await database.stop();
    return 0;
  } catch (error) {
    return fail(error);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'start' && rest.length === 1 && rest[0] === IN_OWN_GROUP) return start();
  if (rest.length) {
    process.stderr.write(`conflux ${command} takes no arguments\n\n${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case 'start':
      return superviseStart();
    case 'migrate':
      return migrateCommand();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}

// Exit explicitly: a library's leftover timer or handle must not keep a stopped launcher alive.
process.exit(await main(process.argv.slice(2)));
