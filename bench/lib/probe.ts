/**
 * Measurement hooks inside a gateway or worker process, loaded before the app (`node --import`) for child
 * processes, or called directly in-process. It changes no app code:
 *  - counts PostgreSQL round trips (every pg Client#query, which Prisma's adapter and graphile-worker both
 *    use), split into BEGIN / COMMIT / ROLLBACK / other statements;
 *  - optionally raises the egress path's default per-connection rate budget (BENCH_EGRESS_RATE), which the
 *    worker offers no setting for and which otherwise caps one connection at 10 calls/s;
 *  - answers `bench:stats` over the IPC channel with its CPU time and counters.
 */
import fs from 'node:fs';
import { EGRESS_DEFAULTS } from '../../packages/egress/src/egress.ts';
import { pg } from './modules.ts';

/** What a probed process reports. */
export interface ProbeStats {
  pid: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssMb: number;
  queries: { begin: number; commit: number; rollback: number; other: number; total: number };
}

const counts = { begin: 0, commit: 0, rollback: 0, other: 0, total: 0 };
let installed = false;
// BENCH_TRACE_FILE: write the first statements (one line each) to see what a unit of work sends.
const traceFile = process.env.BENCH_TRACE_FILE;
const traceLimit = Number(process.env.BENCH_TRACE_LIMIT ?? 400);
const traced: string[] = [];

function classify(text: string) {
  counts.total++;
  // Statements are classified by their first keyword; Prisma and pg send these without leading space.
  const head = text.slice(0, 8).toUpperCase();
  if (head.startsWith('BEGIN')) counts.begin++;
  else if (head.startsWith('COMMIT')) counts.commit++;
  else if (head.startsWith('ROLLBACK')) counts.rollback++;
  else counts.other++;
}

export function installProbe(options: { egressRatePerSecond?: number } = {}) {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
    classify(text);
    if (traceFile && traced.length < traceLimit) {
      traced.push(`${process.pid} ${text.replace(/\s+/g, ' ').slice(0, 140)}`);
      if (traced.length === traceLimit) fs.appendFileSync(traceFile, `${traced.join('\n')}\n`);
    }
    return original.apply(this, args);
  };
  if (options.egressRatePerSecond) {
    const rate = options.egressRatePerSecond;
    (EGRESS_DEFAULTS as unknown as { rate: object }).rate = { perSecond: rate, burst: rate, maxQueueMs: 2_000 };
  }
}

export function probeStats(): ProbeStats {
  const cpu = process.cpuUsage();
  return {
    pid: process.pid,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    rssMb: Math.round(process.memoryUsage.rss() / 1e6),
    queries: { ...counts },
  };
}

// As a preload (`--import`): install from the environment and answer the parent's questions.
if (process.env.BENCH_PROBE === '1') {
  const rate = Number(process.env.BENCH_EGRESS_RATE ?? '');
  installProbe({ egressRatePerSecond: Number.isFinite(rate) && rate > 0 ? rate : undefined });
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message?.type === 'bench:stats') process.send?.({ type: 'bench:stats', id: message.id, stats: probeStats() });
  });
  // The IPC channel must not keep an app alive that wants to exit.
  process.channel?.unref();
}
