/**
 * Times chosen statements of this process (every pg Client#query whose text matches), with their result
 * rows, without changing app code: e.g. how long the dispatcher's claim_runs() takes and when each run was
 * claimed. Works for the promise and the callback form of query (pg.Pool#query uses the callback form).
 */
import { pg } from './modules.ts';

/** One timed statement: wall-clock start (Date.now()), duration, and its rows (null when it failed). */
export interface TimedStatement {
  text: string;
  startedAt: number;
  endedAt: number;
  ms: number;
  rows: Record<string, unknown>[] | null;
}

type Query = (...args: unknown[]) => unknown;

/** Starts timing statements whose text `matches`; returns the function that stops it. */
export function timeStatements(matches: (text: string) => boolean, onDone: (statement: TimedStatement) => void): () => void {
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
    if (!matches(text)) return original.apply(this, args);
    const startedAt = Date.now();
    const t0 = performance.now();
    const finish = (rows: Record<string, unknown>[] | null) => {
      const ms = performance.now() - t0;
      onDone({ text, startedAt, endedAt: startedAt + ms, ms, rows });
    };
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: unknown, result: unknown) => void;
      args[last] = (error: unknown, result: { rows?: Record<string, unknown>[] } | undefined) => {
        finish(error ? null : (result?.rows ?? []));
        callback(error, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<{ rows?: Record<string, unknown>[] }>).then(
        (r) => finish(r?.rows ?? []),
        () => finish(null),
      );
    }
    return result;
  };
  return () => {
    proto.query = original;
  };
}
