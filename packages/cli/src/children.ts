/**
 * The app processes the launcher runs. Each gets its own process group, so that a Ctrl-C in the terminal
 * reaches only the launcher, which then stops the apps in order, and so that stopping an app also stops
 * whatever it spawned itself (Next.js runs worker processes).
 */
import { spawn } from 'node:child_process';
import type { LinePrefixer } from './line-prefixer.ts';

/** How a child ended: an exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

/** A running app process. */
export interface RunningChild {
  name: string;
  pid: number | undefined;
  /** Resolves once the process has exited (never rejects). */
  exited: Promise<ChildExit>;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<ChildExit>;
  /** SIGKILL to its process group now. */
  kill(): void;
}

/** What to run for one app. */
export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Describes an exit for people: `code 1`, `signal SIGKILL`, or the spawn error. */
export function describeExit(exit: ChildExit): string {
  if (exit.error) return exit.error.message;
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** Starts `spec`; its stdout and stderr go, line by line, through prefixers made by `output`. */
export function spawnChild(spec: ChildSpec, output: () => LinePrefixer): RunningChild {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // One prefixer per stream: a partial line on stdout must not swallow the start of a stderr line.
  for (const stream of [child.stdout, child.stderr]) {
    const prefixer = output();
    stream?.on('data', (chunk: Buffer) => prefixer.push(chunk));
    stream?.once('end', () => prefixer.flush());
  }

  let finished = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => {
      // Spawning failed (no such command): no process, nothing else will follow.
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
    // Whatever the app left behind in its group goes with it.
    child.once('exit', () => signalGroup(child.pid, 'SIGKILL'));
    // 'close' comes after 'exit' once the output pipes are drained, so the last lines are printed first.
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).then((exit) => {
    finished = true;
    return exit;
  });

  return {
    name: spec.name,
    pid: child.pid,
    exited,
    async stop(graceMs) {
      if (!finished) {
        signalGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
    kill() {
      signalGroup(child.pid, 'SIGKILL');
    },
  };
}
