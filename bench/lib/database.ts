/**
 * A fresh, migrated database for one benchmark run: a new database on the server named by DATABASE_URL
 * when it is set, else an embedded PostgreSQL in a temporary folder (fsync on, as `pnpm start` runs it).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dropDatabase, ensureDatabase, migrate, startEmbeddedPostgres, withDatabase } from '../../packages/db/src/admin.ts';
import { resolveDatabaseUrls, type DatabaseUrls } from '../../packages/db/src/urls.ts';
import { pg } from './modules.ts';

/** Same role password as the test suite, so a shared server's roles keep working for tests. */
const ROLE_PASSWORD = process.env.BENCH_ROLE_PASSWORD ?? 'conflux-test-role';

/** A benchmark's database: owner, app and system URLs, and what server it runs on. */
export interface BenchDatabase extends DatabaseUrls {
  name: string;
  kind: 'embedded' | 'DATABASE_URL';
  server: { version: string; settings: Record<string, string> };
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stopServer: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  const kind = serverUrl ? 'DATABASE_URL' : 'embedded';
  if (!serverUrl) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-bench-pg-'));
    // Started as root, the server runs as the `postgres` OS user, which must be able to write here.
    fs.chmodSync(tmp, 0o777);
    const server = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'data'), port: await freePort(), password: 'bench', persistent: false });
    serverUrl = server.serverUrl;
    stopServer = server.stop;
    log(`embedded PostgreSQL on port ${server.port} (${tmp})`);
  }
  const name = `conflux_bench_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl, name);
  const ownerUrl = withDatabase(serverUrl, name);
  await migrate(ownerUrl, { rolePassword: ROLE_PASSWORD });
  const urls = resolveDatabaseUrls({ ownerUrl, rolePassword: ROLE_PASSWORD });

  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[])`,
    [['fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections', 'commit_delay', 'full_page_writes', 'wal_level']],
  );
  const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  await client.end();
  const settings = Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]));

  return {
    ...urls,
    name,
    kind,
    server: { version, settings },
    async close() {
      if (process.env.BENCH_KEEP_DB !== '1') await dropDatabase(serverUrl, name).catch(() => undefined);
      await stopServer?.();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
