/**
 * The PostgreSQL connector: run parameterised SQL against a tenant's database, and watch a table for new or
 * changed rows. PostgreSQL speaks its own protocol, not HTTP, so the connector opens its own sockets: each
 * goes to the address the platform's `resolveHost` vetted (see connection.ts), and each call has its own
 * short-lived client.
 */
import { defineConnector, type ConnectionTestContext, type ConnectionTestResult } from '@conflux/connector-sdk';
import { connectionFields, connectionSettings, withClient } from './connection.ts';
import { newOrUpdatedRows } from './new-or-updated-rows.ts';
import { query } from './query.ts';

export { connectionFields, isoTimestamp, CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS, type ConnectionSettings } from './connection.ts';
export { MAX_ROWS, type QueryOutput } from './query.ts';
export { MAX_PAGE_SIZE, type RowsProps } from './new-or-updated-rows.ts';

/** "Test connection": logs in and runs SELECT 1, then says as whom, where, and which server version. */
export async function testPostgresConnection(ctx: ConnectionTestContext): Promise<ConnectionTestResult> {
  if (!ctx.resolveHost) return { ok: true, skipped: true, detail: 'Nothing was checked: this platform does not let connectors open database connections yet.' };
  try {
    const settings = connectionSettings(ctx.auth);
    const row = await withClient(ctx, async (client) => {
      const result = await client.query<{ user: string; database: string; version: string }>(
        `SELECT 1 AS ok, current_user AS "user", current_database() AS database, split_part(current_setting('server_version'), ' ', 1) AS version`,
      );
      return result.rows[0]!;
    });
    return { ok: true, detail: `Signed in to PostgreSQL ${row.version} at ${settings.host}:${settings.port} as ${row.user}, database ${row.database}.` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message, ...((error as { kind?: unknown }).kind === 'auth' ? { refused: true } : {}) };
  }
}

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"><ellipse cx="12" cy="5.5" rx="7.5" ry="2.8"/><path d="M4.5 5.5v13c0 1.5 3.4 2.8 7.5 2.8s7.5-1.3 7.5-2.8v-13"/><path d="M4.5 12c0 1.5 3.4 2.8 7.5 2.8s7.5-1.3 7.5-2.8"/></svg>';

export default defineConnector({
  id: 'postgres',
  name: 'PostgreSQL',
  version: '0.1.0',
  description: 'Run parameterised SQL against your PostgreSQL database, and start flows from new or changed rows.',
  categories: ['databases', 'developer-tools'],
  icon,
  auth: [
    {
      kind: 'custom',
      label: 'Database login',
      help: 'Conflux connects from its own servers: the database must accept connections from them. A role that may read (and write) only what flows need is safest.',
      fields: connectionFields,
    },
  ],
  // The connector opens sockets itself (no HTTP); `resolveHost` applies the platform's address rules to them.
  egress: { hosts: ['*'] },
  actions: { query },
  triggers: { newOrUpdatedRows },
  test: testPostgresConnection,
});
