/**
 * The `newOrUpdatedRows` trigger: keyset pagination over a table (or a tenant's SELECT) ordered by a column
 * that grows with every insert and update (`updated_at`, a version counter) and the row id as tie-breaker.
 * The cursor is the last row's (cursor value, id); the next page starts right after it, so each poll reads
 * only what changed since, in one index range scan when there is an index on (cursor column, id).
 */
import type pg from 'pg';
import { ConnectorError, defineTrigger, z, type PolledRecord, type PollContext, type PollPage } from '@conflux/connector-sdk';
import { typeParsers, withClient } from './connection.ts';
import { columnName, quoteColumn, quoteTable, tableName } from './identifiers.ts';

/** The largest page read at once, whatever page size the platform asks for. */
export const MAX_PAGE_SIZE = 5_000;

// A query the tenant writes is wrapped as a subquery, so it must be one query expression.
const QUERY_START = /^\(*\s*(?:select|with|values|table)\b/i;

const rowsProps = z
  .object({
    table: tableName.optional().describe('The table to watch, optionally with its schema, e.g. public.orders (exactly as it is named: case matters). Or use query.'),
    query: z
      .string()
      .trim()
      .max(20_000)
      .optional()
      .describe('Instead of a table: a SELECT whose rows to watch, e.g. SELECT o.*, c.email FROM orders o JOIN customers c ON c.id = o.customer_id. It must return the id and cursor columns.'),
    idColumn: columnName.default('id').describe('The column that identifies a row (the primary key), e.g. id.'),
    cursorColumn: columnName.describe(
      'A column that grows whenever a row is inserted or changed, e.g. updated_at (a timestamp set on every update) or a version number. Rows where it is empty are skipped.',
    ),
  })
  .superRefine((props, issues) => {
    if ((props.table === undefined) === (props.query === undefined || props.query === '')) {
      issues.addIssue({ code: 'custom', path: ['table'], message: 'Give either a table or a query' });
    }
    if (props.query) {
      if (!QUERY_START.test(props.query)) issues.addIssue({ code: 'custom', path: ['query'], message: 'Write a SELECT query (or WITH … SELECT)' });
      // $1… are the cursor's own parameters.
      if (/\$\d/.test(props.query)) issues.addIssue({ code: 'custom', path: ['query'], message: 'Placeholders ($1…) are not available in a watched query' });
    }
  });

/** The props of `newOrUpdatedRows` after parsing. */
export type RowsProps = z.output<typeof rowsProps>;

/** The last row a page returned: where the next page starts. */
const cursorPart = z.union([z.string(), z.number(), z.boolean()]);
const cursorSchema = z.object({ value: cursorPart, id: cursorPart });
type RowsCursor = z.output<typeof cursorSchema>;

function storedCursor(ctx: PollContext<RowsProps>): RowsCursor | null {
  if (ctx.cursor === null || ctx.cursor === undefined) return null;
  const parsed = cursorSchema.safeParse(ctx.cursor);
  if (parsed.success) return parsed.data;
  // Reading from the start again costs a walk over the rows, never duplicate runs: the platform skips
  // rows whose updated-at and id it has seen.
  ctx.log.warn('postgres: the stored cursor is not one this trigger wrote; reading the rows again from the start');
  return null;
}

/**
 * A value as the cursor keeps it, exactly: numbers that are exact in JavaScript stay numbers, everything
 * else is text that PostgreSQL reads back into the column's type (bigint and numeric already arrive as
 * text, timestamps as ISO 8601 text with microseconds, see connection.ts).
 */
function cursorValue(value: unknown, column: string): string | number | boolean {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  throw ConnectorError.permanent(`Column ${column} cannot order rows for polling (its values are ${value === null ? 'empty' : typeof value}).`);
}

/** The page's statement. Names went through the identifier pattern and are quoted; values are parameters. */
function pageStatement(props: RowsProps, after: RowsCursor | null, limit: number): { text: string; values: unknown[] } {
  const source = props.table ? quoteTable(props.table) : `(${props.query!.replace(/;\s*$/, '')})`;
  const cursor = quoteColumn(props.cursorColumn);
  const id = quoteColumn(props.idColumn);
  const conditions = [`${cursor} IS NOT NULL`, `${id} IS NOT NULL`];
  const values: unknown[] = [];
  if (after) {
    values.push(after.value, after.id);
    conditions.push(`(${cursor}, ${id}) > ($1, $2)`);
  }
  values.push(limit);
  return {
    text: `SELECT * FROM ${source} AS conflux_source WHERE ${conditions.join(' AND ')} ORDER BY ${cursor}, ${id} LIMIT $${values.length}`,
    values,
  };
}

/** The planner's row estimate of a table, when it has one: free, and enough for a progress bar. */
async function estimatedRows(client: pg.Client, table: string): Promise<number | undefined> {
  const result = await client.query<{ estimate: number | null }>('SELECT reltuples::float8 AS estimate FROM pg_class WHERE oid = to_regclass($1)', [quoteTable(table)]);
  const estimate = result.rows[0]?.estimate;
  // -1: never vacuumed or analysed, so unknown.
  return typeof estimate === 'number' && estimate >= 0 ? Math.round(estimate) : undefined;
}

export const newOrUpdatedRows = defineTrigger({
  type: 'polling',
  name: 'New or updated rows',
  description:
    'Watches a table or query for rows that are new or changed since the last poll, ordered by a column such as updated_at, and starts a run for each. An index on (that column, id) keeps polls cheap.',
  props: rowsProps,
  // What a run sees as `trigger`: the platform's change event around the row.
  sample: {
    id: '1042',
    change: 'updated',
    updatedAt: '2026-03-14T09:26:53.512044Z',
    data: { id: 1042, email: 'ada@example.com', status: 'active', updated_at: '2026-03-14T09:26:53.512044Z' },
  },
  dedupe: 'updated_at',
  async poll(ctx): Promise<PollPage> {
    const { props } = ctx;
    const after = storedCursor(ctx);
    const limit = Math.min(Math.max(1, Math.floor(ctx.pageSize) || 1), MAX_PAGE_SIZE);
    const statement = pageStatement(props, after, limit);
    return withClient(
      ctx,
      async (client) => {
        const { rows } = await client.query<Record<string, unknown>>({ ...statement, types: typeParsers });
        const records: PolledRecord[] = rows.map((row) => ({
          id: String(row[props.idColumn]),
          updatedAt: String(cursorValue(row[props.cursorColumn], props.cursorColumn)),
          data: row,
        }));
        const last = rows.at(-1);
        const total = props.table ? await estimatedRows(client, props.table) : undefined;
        return {
          records,
          // An empty page keeps the position: the next poll asks again from the same row.
          cursor: last ? { value: cursorValue(last[props.cursorColumn], props.cursorColumn), id: cursorValue(last[props.idColumn], props.idColumn) } : after,
          hasMore: rows.length === limit,
          ...(total === undefined ? {} : { total }),
        };
      },
      // Polling only reads; a read-only session makes sure a tenant's query cannot write either.
      { readOnly: true },
    );
  },
});
