#!/usr/bin/env tsx
/**
 * The `conflux` command. `start` runs the whole platform in this terminal (embedded defaults for whatever
 * is not configured); `migrate` applies the database migrations and exits.
 */
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
  if (rest.length) {
    process.stderr.write(`conflux ${command} takes no arguments\n\n${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case 'start':
      return start();
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
