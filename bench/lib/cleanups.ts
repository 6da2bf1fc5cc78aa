/** Something to undo when a benchmark stops early: an app, a server, the database. */
export type Cleanup = () => Promise<unknown>;

/** Runs the cleanups newest first, then exits with `code`. */
export function cleanUpAndExit(cleanups: Cleanup[], code: number): void {
  void Promise.allSettled(cleanups.reverse().map((c) => c())).then(() => process.exit(code));
}

/** The list a benchmark pushes its cleanups onto; Ctrl-C (or SIGTERM) runs them before exiting. */
export function cleanupsOnInterrupt(say: (line: string) => void): Cleanup[] {
  const cleanups: Cleanup[] = [];
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: cleaning up`);
      cleanUpAndExit(cleanups, 130);
    });
  }
  return cleanups;
}
