/**
 * graphile-worker and pino as the worker app uses them: its own copies (bench/ has no dependencies of its
 * own), and graphile-worker's logger adapted into pino the way apps/worker/src/worker.ts adapts it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const fromWorker = createRequire(path.resolve(import.meta.dirname, '../../apps/worker/package.json'));

/** pino, the worker's copy. */
export const pino = fromWorker('pino') as typeof import('pino').default;

/** graphile-worker, the worker's copy. */
export const graphile = (await import(pathToFileURL(fromWorker.resolve('graphile-worker')).href)) as typeof import('graphile-worker');

/** graphile-worker's logger into pino, as the worker adapts it. */
export function graphileLogger(log: import('pino').Logger) {
  return new graphile.Logger((scope) => (level, message, meta) => {
    const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'debug' ? 'debug' : 'info';
    log[fn]({ ...scope, ...meta }, message);
  });
}
