/**
 * The PostgreSQL connector against a real PostgreSQL ($DATABASE_URL, or the test run's embedded server): a
 * scratch database per file stands in for a tenant's system. Contexts are built by hand, as the platform
 * builds them, with the egress resolver allowing loopback the way an operator's EGRESS_ALLOW would.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  ConnectorError,
  connectorManifest,
  type ActionDefinition,
  type AuthValue,
  type PollContext,
  type PollingTriggerDefinition,
  type PollPage,
  type TriggerDefinition,
} from '@conflux/connector-sdk';
import { createHostResolver } from '@conflux/egress';
import { actionContext, connectionTestContext, type LoggedLine } from '../../../test/support/connector-context.ts';
import postgres, { testPostgresConnection, type QueryOutput } from './index.ts';
import { startRefusingServer } from './refusing-server.test-support.ts';

function polling(trigger: TriggerDefinition | undefined): PollingTriggerDefinition {
  if (trigger?.type !== 'polling') throw new Error('not a polling trigger');
  return trigger;
}
const rows = polling(postgres.triggers.newOrUpdatedRows);
const query = postgres.actions.query as ActionDefinition;

const server = new URL(inject('pgServerUrl'));
const database = `conflux_pgconn_${process.pid}_${Date.now().toString(36)}`;
const reader = `conflux_pgconn_reader_${process.pid}`;
const ROWS = 2_500;
const BASE = Date.UTC(2026, 0, 1);

/** A tenant's connection to the scratch database (the test server trusts local logins, so the password is any). */
function login(overrides: Record<string, unknown> = {}): AuthValue {
  return {
    kind: 'custom',
    values: {
      host: server.hostname,
      port: Number(server.port || 5432),
      database,
      user: decodeURIComponent(server.username) || 'postgres',
      password: decodeURIComponent(server.password) || 'trusted-anyway',
      sslMode: 'disable',
      ...overrides,
    },
  };
}

// As with EGRESS_ALLOW=127.0.0.0/8 (and ::1, in case the server URL names localhost).
const allowLoopback = createHostResolver({ allow: ['127.0.0.0/8', '::1/128'] });

interface PollOptions {
  cursor?: unknown;
  pageSize?: number;
  auth?: AuthValue;
  resolveHost?: (host: string) => Promise<string>;
  logs?: LoggedLine[];
}

function pollContext(props: Record<string, unknown>, options: PollOptions = {}): PollContext<Record<string, unknown>> {
  return {
    props: rows.props.parse(props),
    auth: options.auth ?? login(),
    connection: null,
    fetch: () => Promise.reject(new Error('the postgres connector makes no HTTP calls')),
    resolveHost: options.resolveHost ?? allowLoopback,
    evaluate: () => Promise.reject(new Error('the postgres connector evaluates no expressions')),
    log: actionContext({}, { logs: options.logs }).log,
    signal: new AbortController().signal,
    cursor: options.cursor ?? null,
    pageSize: options.pageSize ?? 1_000,
  };
}

/** Polls as the platform does: again while hasMore, with the cursor of the page before. */
async function pollAll(props: Record<string, unknown>, options: PollOptions = {}): Promise<PollPage[]> {
  const pages: PollPage[] = [];
  let cursor: unknown = options.cursor ?? null;
  for (;;) {
    const page = await rows.poll(pollContext(props, { ...options, cursor }));
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore || pages.length > 20) return pages;
  }
}

function runQuery(input: Record<string, unknown>, options: { auth?: AuthValue; signal?: AbortSignal } = {}): Promise<QueryOutput> {
  const ctx = actionContext(query.props.parse(input), { auth: options.auth ?? login(), signal: options.signal });
  return query.run({ ...ctx, resolveHost: allowLoopback }) as Promise<QueryOutput>;
}

/** The ConnectorError a call failed with (the test fails if it did not fail so). */
async function refusal(promise: Promise<unknown>): Promise<ConnectorError> {
  const error: unknown = await promise.then(() => expect.unreachable('the call succeeded'), (e: unknown) => e);
  if (!(error instanceof ConnectorError)) throw error;
  return error;
}

async function admin<T>(db: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(server);
  url.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// The seeded rows' cursor values run against their ids (and three rows share each), so that the order is
// (updated_at, id) and not the insertion order, and microseconds matter.
// PostgreSQL writes fractions of a second without trailing zeros, and none at all for a whole second.
const stamp = (id: number) =>
  new Date(BASE).toISOString().replace('.000Z', `.${String(Math.floor((ROWS + 1 - id) / 3)).padStart(6, '0')}`.replace(/\.?0+$/, '') + 'Z');
const seededOrder = Array.from({ length: ROWS }, (_, i) => i + 1).sort((a, b) => Math.floor((ROWS + 1 - a) / 3) - Math.floor((ROWS + 1 - b) / 3) || a - b);

beforeAll(async () => {
  await admin(server.pathname.slice(1) || 'postgres', async (client) => {
    await client.query(`CREATE DATABASE "${database}"`);
    await client.query(`DROP ROLE IF EXISTS "${reader}"`);
    await client.query(`CREATE ROLE "${reader}" LOGIN`);
  });
  await admin(database, async (client) => {
    await client.query(`
      CREATE TABLE public.orders (id bigint PRIMARY KEY, email text NOT NULL, total numeric(10, 2) NOT NULL, updated_at timestamptz NOT NULL);
      CREATE INDEX orders_poll ON public.orders (updated_at, id);
      INSERT INTO public.orders
        SELECT g, 'customer' || g || '@example.com', g * 1.5, timestamptz '2026-01-01 00:00:00+00' + ((${ROWS} + 1 - g) / 3) * interval '1 microsecond'
          FROM generate_series(1, ${ROWS}) AS g;
      ANALYZE public.orders;
      CREATE TABLE public."Mixed Case" (id int);
      CREATE SEQUENCE public.poll_counter;`);
  });
});

afterAll(async () => {
  await admin(server.pathname.slice(1) || 'postgres', async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`DROP ROLE IF EXISTS "${reader}"`);
  });
});

describe('postgres connector: newOrUpdatedRows', () => {
  const props = { table: 'public.orders', cursorColumn: 'updated_at' };
  let finalCursor: unknown;

  it('walks 2,500 rows in pages of 1,000, every id once, in (updated_at, id) order', async () => {
    const pages = await pollAll(props);

    expect(pages.map((p) => [p.records.length, p.hasMore])).toEqual([
      [1000, true],
      [1000, true],
      [500, false],
    ]);
    const ids = pages.flatMap((p) => p.records.map((r) => r.id));
    expect(ids).toEqual(seededOrder.map(String));
    expect(new Set(ids).size).toBe(ROWS);
    // bigint ids and numeric values arrive as exact text; timestamps as ISO 8601 with their microseconds.
    const first = pages[0]!.records[0]!;
    expect(first).toEqual({
      id: String(seededOrder[0]),
      updatedAt: stamp(seededOrder[0]!),
      data: { id: String(seededOrder[0]), email: `customer${seededOrder[0]}@example.com`, total: (seededOrder[0]! * 1.5).toFixed(2), updated_at: stamp(seededOrder[0]!) },
    });
    const last = seededOrder.at(-1)!;
    expect(pages[2]!.cursor).toEqual({ value: stamp(last), id: String(last) });
    expect(pages[0]!.total).toBe(ROWS);
    finalCursor = pages.at(-1)!.cursor;
  });

  it('from the stored cursor, returns exactly the rows updated or inserted since', async () => {
    await admin(database, (client) =>
      client.query(`
        UPDATE public.orders SET total = total + 1, updated_at = timestamptz '2026-02-01 00:00:00+00' + id * interval '1 microsecond' WHERE id IN (5, 1234, 2500);
        INSERT INTO public.orders VALUES (2501, 'new1@example.com', 1, timestamptz '2026-02-01 00:00:00+00'), (2502, 'new2@example.com', 2, timestamptz '2026-02-01 00:00:00.000001+00');`),
    );
    const pages = await pollAll(props, { cursor: finalCursor });
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records.map((r) => [r.id, r.updatedAt])).toEqual([
      ['2501', '2026-02-01T00:00:00Z'],
      ['2502', '2026-02-01T00:00:00.000001Z'],
      ['5', '2026-02-01T00:00:00.000005Z'],
      ['1234', '2026-02-01T00:00:00.001234Z'],
      ['2500', '2026-02-01T00:00:00.0025Z'],
    ]);
    expect(pages[0]!.hasMore).toBe(false);

    // Nothing changed since: an empty page that keeps the position.
    const again = await rows.poll(pollContext(props, { cursor: pages[0]!.cursor }));
    expect(again).toMatchObject({ records: [], hasMore: false, cursor: pages[0]!.cursor });
  });

  it('watches a query the tenant writes, wrapped as a subquery, in a read-only session', async () => {
    const page = await rows.poll(pollContext({ query: 'SELECT id AS order_id, email, updated_at FROM orders WHERE total > 3000;', idColumn: 'order_id', cursorColumn: 'updated_at' }, { pageSize: 5 }));
    expect(page.records).toHaveLength(5);
    expect(Object.keys(page.records[0]!.data as object)).toEqual(['order_id', 'email', 'updated_at']);
    expect(page.total).toBeUndefined();

    const writes = await refusal(rows.poll(pollContext({ query: "SELECT o.*, nextval('poll_counter') AS n FROM orders o", cursorColumn: 'updated_at' })));
    expect(writes).toMatchObject({ kind: 'permanent', details: { sqlstate: '25006' } });
  });

  it('rejects identifier injection in table and column names when the props are validated', () => {
    for (const table of ['orders; DROP TABLE orders', 'orders" --', 'public.orders.extra', '"orders"', 'pg_catalog.pg_authid WHERE true --', '1orders', 'orders/**/']) {
      expect(rows.props.safeParse({ table, cursorColumn: 'updated_at' }).success, table).toBe(false);
    }
    expect(rows.props.safeParse({ table: 'orders', cursorColumn: 'updated_at) > now() --' }).success).toBe(false);
    expect(rows.props.safeParse({ table: 'orders', idColumn: 'id"; --', cursorColumn: 'updated_at' }).success).toBe(false);
    expect(rows.props.safeParse({ table: 'orders', query: 'SELECT 1', cursorColumn: 'updated_at' }).success).toBe(false);
    expect(rows.props.safeParse({ query: 'DELETE FROM orders', cursorColumn: 'updated_at' }).success).toBe(false);
    expect(rows.props.safeParse({ query: 'SELECT * FROM orders WHERE id > $1', cursorColumn: 'updated_at' }).success).toBe(false);
    expect(rows.props.parse({ table: 'orders', cursorColumn: 'updated_at' })).toEqual({ table: 'orders', idColumn: 'id', cursorColumn: 'updated_at' });
  });

  it('quotes names exactly: a table created as "Mixed Case" is not reachable as mixed case', async () => {
    const error = await refusal(rows.poll(pollContext({ table: 'ORDERS', cursorColumn: 'updated_at' })));
    expect(error).toMatchObject({ kind: 'permanent', details: { sqlstate: '42P01' } });
    expect(error.message).toContain('relation "ORDERS" does not exist');
  });

  it('is refused by the default resolver, which does not allow loopback', async () => {
    const error = await rows.poll(pollContext(props, { resolveHost: createHostResolver() })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'EgressError', code: 'BLOCKED_ADDRESS' });
  });
});

describe('postgres connector: query', () => {
  it('runs a parameterised statement and returns rows, row count and fields', async () => {
    const result = await runQuery({ text: 'SELECT id, email, total FROM public.orders WHERE id = ANY($1) AND email LIKE $2 ORDER BY id', params: [[1, 2, 3, 4], 'customer_%'] });
    expect(result).toEqual({
      rows: [1, 2, 3, 4].map((id) => ({ id: String(id), email: `customer${id}@example.com`, total: (id * 1.5).toFixed(2) })),
      rowCount: 4,
      fields: ['id', 'email', 'total'],
      truncated: false,
    });
  });

  it('passes values as parameters, never as SQL', async () => {
    const sneaky = "x'); DROP TABLE public.orders; --";
    const result = await runQuery({ text: 'SELECT count(*)::int AS n FROM public.orders WHERE email = $1', params: [sneaky] });
    expect(result.rows).toEqual([{ n: 0 }]);
    expect((await runQuery({ text: 'SELECT count(*)::int AS n FROM public.orders' })).rows[0]).toEqual({ n: 2502 });
  });

  it('writes: INSERT … RETURNING and UPDATE counts, committed', async () => {
    const inserted = await runQuery({ text: 'INSERT INTO public.orders VALUES ($1, $2, $3, now()) RETURNING id, email', params: [9001, 'ada@example.com', 12.5] });
    expect(inserted).toEqual({ rows: [{ id: '9001', email: 'ada@example.com' }], rowCount: 1, fields: ['id', 'email'], truncated: false });
    const updated = await runQuery({ text: 'UPDATE public.orders SET total = total + $1 WHERE id > $2', params: [1, 9000] });
    expect(updated).toEqual({ rows: [], rowCount: 1, fields: [], truncated: false });
    expect((await runQuery({ text: 'SELECT total FROM public.orders WHERE id = 9001' })).rows).toEqual([{ total: '13.50' }]);
  });

  it('returns at most 1,000 rows and says so', async () => {
    const result = await runQuery({ text: 'SELECT id FROM public.orders ORDER BY id' });
    expect(result.rows).toHaveLength(1000);
    expect(result).toMatchObject({ rowCount: 1000, truncated: true, fields: ['id'] });
  });

  it('keeps values JSON-friendly and exact: jsonb, bytea as base64, dates, intervals, timestamps', async () => {
    const result = await runQuery({
      text: "SELECT $1::jsonb AS doc, '\\x0102ff'::bytea AS raw, date '2026-03-14' AS day, interval '1 day 2 hours' AS span, timestamp '2026-03-14 09:26:53.512044' AS local, 9007199254740993::bigint AS big",
      params: [{ sku: 'A-1', qty: 2 }],
    });
    expect(result.rows[0]).toEqual({ doc: { sku: 'A-1', qty: 2 }, raw: 'AQL/', day: '2026-03-14', span: 'P1DT2H', local: '2026-03-14T09:26:53.512044', big: '9007199254740993' });
  });

  it('classifies statement errors as permanent: syntax, unknown table, permission denied', async () => {
    const syntax = await refusal(runQuery({ text: 'SELEC 1' }));
    expect(syntax).toMatchObject({ kind: 'permanent', details: { sqlstate: '42601', position: 1 } });
    expect(syntax.message).toMatch(/rejected the statement \(42601\): syntax error at or near "SELEC" \(at character 1\)$/);

    // The extended protocol takes one statement: a second one cannot ride along.
    expect(await refusal(runQuery({ text: 'SELECT 1; DROP TABLE public.orders' }))).toMatchObject({ kind: 'permanent', details: { sqlstate: '42601' } });
    expect(await refusal(runQuery({ text: 'SELECT * FROM nowhere' }))).toMatchObject({ kind: 'permanent', details: { sqlstate: '42P01' } });
    const denied = await refusal(runQuery({ text: 'SELECT * FROM public.orders' }, { auth: login({ user: reader }) }));
    expect(denied).toMatchObject({ kind: 'permanent', details: { sqlstate: '42501' } });
    expect(denied.message).toContain('permission denied');
  });

  it('asks for a reconnect when the password is refused or the database is unknown', async () => {
    const refusing = await startRefusingServer();
    try {
      const error = await refusal(runQuery({ text: 'SELECT 1' }, { auth: login({ host: '127.0.0.1', port: refusing.port, user: 'ada', password: 'wrong-password' }) }));
      expect(error.kind).toBe('auth');
      expect(error.message).toContain('refused the login (28P01): password authentication failed');
      expect(error.message).not.toContain('wrong-password');
      expect(refusing.passwords).toEqual(['wrong-password']);
    } finally {
      await refusing.close();
    }
    expect((await refusal(runQuery({ text: 'SELECT 1' }, { auth: login({ database: 'no_such_database' }) }))).kind).toBe('auth');
    expect((await refusal(runQuery({ text: 'SELECT 1' }, { auth: { kind: 'custom', values: { host: 'x' } } }))).kind).toBe('auth');
  });

  it('a refused port is retryable', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await refusal(runQuery({ text: 'SELECT 1' }, { auth: login({ host: '127.0.0.1', port }) }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toBe(`Could not reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('a server without TLS is refused when TLS is required', async () => {
    const error = await refusal(runQuery({ text: 'SELECT 1' }, { auth: login({ sslMode: 'require' }) }));
    expect(error).toMatchObject({ kind: 'permanent', message: expect.stringContaining('does not offer TLS') });
  });

  it('stops at once when the run is aborted', async () => {
    const controller = new AbortController();
    const reason = new DOMException('The run attempt took too long', 'TimeoutError');
    setTimeout(() => controller.abort(reason), 200);
    const started = Date.now();
    await expect(runQuery({ text: 'SELECT pg_sleep(10)' }, { signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('refuses to connect without the platform’s resolver', async () => {
    const ctx = actionContext(query.props.parse({ text: 'SELECT 1' }), { auth: login() });
    expect(await refusal(query.run(ctx))).toMatchObject({ kind: 'permanent', message: expect.stringContaining('host resolver') });
  });
});

describe('postgres connector: connection test and manifest', () => {
  it('signs in and says as whom, or says why not', async () => {
    const ok = await testPostgresConnection({ ...connectionTestContext({ auth: login() }), resolveHost: allowLoopback });
    expect(ok).toMatchObject({ ok: true, detail: expect.stringMatching(new RegExp(`^Signed in to PostgreSQL \\S+ at ${server.hostname}:\\d+ as \\S+, database ${database}\\.$`)) });
    const refused = await testPostgresConnection({ ...connectionTestContext({ auth: login({ database: 'no_such_database' }) }), resolveHost: allowLoopback });
    expect(refused).toMatchObject({ ok: false, refused: true, message: expect.stringContaining('3D000') });
    expect(await testPostgresConnection(connectionTestContext({ auth: login() }))).toMatchObject({ ok: true, skipped: true });
  });

  it('has a manifest the catalogue can render, the password as a secret field', () => {
    const manifest = connectorManifest(postgres);
    expect(manifest.triggers).toEqual([expect.objectContaining({ key: 'newOrUpdatedRows', type: 'polling' })]);
    expect(manifest.auth[0]).toMatchObject({ kind: 'custom', fields: { properties: { password: { type: 'string' }, sslMode: { enum: ['verify-full', 'require', 'disable'] } } } });
    expect(manifest.actions[0]?.description).toContain('1,000');
    expect(manifest.testable).toBe(true);
  });
});
