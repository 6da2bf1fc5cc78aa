/** The `query` action: one parameterised statement, its rows capped so that a huge result cannot swamp a run. */
import Cursor from 'pg-cursor';
import type { QueryResult } from 'pg';
import { defineAction, z } from '@conflux/connector-sdk';
import { typeParsers, withClient } from './connection.ts';

/** Rows a query step returns at most; the rest are not read from the server. */
export const MAX_ROWS = 1_000;

const queryProps = z.object({
  text: z
    .string()
    .trim()
    .min(1, 'Enter a SQL statement')
    .max(100_000)
    .describe('One SQL statement with $1, $2… where values go, e.g. SELECT * FROM orders WHERE status = $1 AND total > $2. Values are never pasted into the text.'),
  params: z
    .array(z.json())
    .max(1_000)
    .default([])
    .describe('Values for $1, $2… in order. Text, numbers, true/false and null as they are; a list as a PostgreSQL array (for = ANY($1)); an object as JSON text (for json and jsonb columns).'),
});

/** What `query` returns. */
export interface QueryOutput {
  /** Up to 1,000 rows, as objects keyed by column name (a later column wins where two share a name). */
  rows: Record<string, unknown>[];
  /** Rows the statement returned or changed, as PostgreSQL counts them; when truncated, the rows returned. */
  rowCount: number;
  /** Column names, in order. */
  fields: string[];
  /** True when the statement had more than 1,000 rows and only the first were returned. */
  truncated: boolean;
}

function read(cursor: Cursor, rows: number): Promise<{ rows: Record<string, unknown>[]; result: QueryResult }> {
  return new Promise((resolve, reject) => {
    cursor.read(rows, (error, read, result) => (error ? reject(error) : resolve({ rows: read as Record<string, unknown>[], result })));
  });
}

export const query = defineAction({
  name: 'Run a SQL statement',
  description: `Runs one parameterised SQL statement (SELECT, INSERT, UPDATE, DELETE…) and returns its rows, at most ${MAX_ROWS.toLocaleString('en-US')}, with the row count and column names. Statements time out after 30 seconds.`,
  props: queryProps,
  sample: {
    rows: [{ id: 1042, email: 'ada@example.com', status: 'active', updated_at: '2026-03-14T09:26:53.512044Z' }],
    rowCount: 1,
    fields: ['id', 'email', 'status', 'updated_at'],
    truncated: false,
  } satisfies QueryOutput,
  async run(ctx): Promise<QueryOutput> {
    return withClient(ctx, async (client) => {
      // A cursor (a portal of the extended protocol) reads one row past the cap and stops there: the server
      // keeps the rest instead of sending all of it into the worker's memory.
      const cursor = client.query(new Cursor(ctx.props.text, ctx.props.params, { types: typeParsers }));
      const { rows, result } = await read(cursor, MAX_ROWS + 1);
      // Closing syncs, which is also what commits the statement's implicit transaction.
      await cursor.close();
      const truncated = rows.length > MAX_ROWS;
      if (truncated) rows.length = MAX_ROWS;
      return {
        rows,
        rowCount: truncated ? rows.length : (result.rowCount ?? rows.length),
        fields: (result.fields ?? []).map((field) => field.name),
        truncated,
      };
    });
  },
});
