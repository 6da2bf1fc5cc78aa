/** Small statistics helpers and PostgreSQL counters for the benchmarks. */
import type { PgClient } from './modules.ts';

/** p-th percentile (0–100) of unsorted values, nearest-rank; null for no values. */
export function percentile(sorted: Float64Array | number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** p50/p90/p95/p99/max of a sample, in milliseconds rounded to 0.1. */
export function summarize(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  const r = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    count: sorted.length,
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted.length ? sorted[sorted.length - 1]! : null),
  };
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Jain's fairness index (Σx)² / (n·Σx²) of non-negative values: 1 when all are equal, 1/n when one has everything. */
export function jainIndex(values: number[]): number | null {
  const sum = values.reduce((s, v) => s + v, 0);
  const squares = values.reduce((s, v) => s + v * v, 0);
  return values.length && squares > 0 ? (sum * sum) / (values.length * squares) : null;
}

/** Counters of one database since the server started (pg_stat_database), and of the WAL. */
export interface PgCounters {
  xactCommit: number;
  xactRollback: number;
  tupInserted: number;
  tupUpdated: number;
  tupDeleted: number;
  walRecords: number | null;
  walBytes: number | null;
  walFsyncs: number | null;
}

export async function pgCounters(client: PgClient, database: string): Promise<PgCounters> {
  // Backends flush their statistics at most once a second: take the snapshot fresh.
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<Record<string, string>>(
    `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = $1`,
    [database],
  );
  const row = rows[0]!;
  let walRecords: number | null = null;
  let walBytes: number | null = null;
  let walFsyncs: number | null = null;
  try {
    const wal = (await client.query<{ wal_records: string; wal_bytes: string }>('SELECT wal_records, wal_bytes FROM pg_stat_wal')).rows[0];
    walRecords = Number(wal?.wal_records);
    walBytes = Number(wal?.wal_bytes);
  } catch {
    // pg_stat_wal needs PostgreSQL 14+
  }
  try {
    const io = (await client.query<{ fsyncs: string }>(`SELECT sum(fsyncs)::text AS fsyncs FROM pg_stat_io WHERE object = 'wal'`)).rows[0];
    walFsyncs = io?.fsyncs == null ? null : Number(io.fsyncs);
  } catch {
    // WAL rows in pg_stat_io need PostgreSQL 18
  }
  return {
    xactCommit: Number(row.xact_commit),
    xactRollback: Number(row.xact_rollback),
    tupInserted: Number(row.tup_inserted),
    tupUpdated: Number(row.tup_updated),
    tupDeleted: Number(row.tup_deleted),
    walRecords,
    walBytes,
    walFsyncs,
  };
}

export function counterDelta(a: PgCounters, b: PgCounters): PgCounters {
  const d = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  return {
    xactCommit: b.xactCommit - a.xactCommit,
    xactRollback: b.xactRollback - a.xactRollback,
    tupInserted: b.tupInserted - a.tupInserted,
    tupUpdated: b.tupUpdated - a.tupUpdated,
    tupDeleted: b.tupDeleted - a.tupDeleted,
    walRecords: d(a.walRecords, b.walRecords),
    walBytes: d(a.walBytes, b.walBytes),
    walFsyncs: d(a.walFsyncs, b.walFsyncs),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
