import fs from 'node:fs';
import path from 'node:path';

/**
 * Tells the launcher that this app is ready to work (the worker is claiming jobs, the gateway listens…).
 * The launcher names a directory in CONFLUX_READY_DIR and waits for a file per app; a file rather than a
 * pipe or IPC channel, so that it works through any wrapper (tsx, a process manager). Without the
 * variable (an app started on its own) this does nothing.
 */
export function announceReady(app: string, env: NodeJS.ProcessEnv = process.env): void {
  const dir = env.CONFLUX_READY_DIR;
  if (!dir) return;
  fs.writeFileSync(path.join(dir, app), `${process.pid}\n`);
}
