/**
 * Gets Conflux a migrated database: the configured DATABASE_URL, or an embedded server with a `conflux`
 * database. Shared by `conflux start` and `conflux migrate`.
 */
import path from 'node:path';
import { migrate, ensureDatabase, withDatabase, type MigrateResult } from '@conflux/db/admin';
import { resolveDatabaseUrls, type DatabaseUrls } from '@conflux/db';
import type { LauncherEnv } from './env.ts';
import type { LocalSecrets } from './secrets.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database.ts';
import { LaunchError } from './launch-error.ts';

/** A database ready for the apps. */
export interface PreparedDatabase {
  urls: DatabaseUrls;
  /** Set when the launcher started an embedded server (stopped by `stop`). */
  embedded: EmbeddedDatabase | undefined;
  migration: MigrateResult;
  stop(): Promise<void>;
}

/** The name of the database Conflux creates on an embedded server. */
export const EMBEDDED_DATABASE_NAME = 'conflux';

/** A connection URL fit for logs: the password replaced. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}

function explain(error: unknown, ownerUrl: string, embedded: boolean): LaunchError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const where = redactUrl(ownerUrl);
  if (code === '28P01' && embedded) {
    return new LaunchError(
      `The embedded database refused the password in secrets.json (${message}). It was created with other ` +
        'secrets: restore the old secrets.json, or delete the data folder\'s postgres/ to start afresh.',
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN') {
    return new LaunchError(`Cannot reach PostgreSQL at ${where} (${code}). Check DATABASE_URL and that the server runs.`);
  }
  return new LaunchError(`Migrating ${where} failed: ${message}`);
}

export async function prepareDatabase(params: {
  env: LauncherEnv;
  secrets: () => LocalSecrets;
  info: (message: string) => void;
  onServerLog: (line: string) => void;
}): Promise<PreparedDatabase> {
  const { env } = params;
  let embedded: EmbeddedDatabase | undefined;
  let ownerUrl = env.databaseUrl;
  if (!ownerUrl) {
    embedded = await startEmbeddedDatabase({
      dataDir: env.dataDir,
      preferredPort: env.embeddedPgPort,
      password: params.secrets().postgresPassword,
      info: params.info,
      onLog: params.onServerLog,
    });
    ownerUrl = withDatabase(embedded.serverUrl, EMBEDDED_DATABASE_NAME);
  }
  try {
    if (embedded) await ensureDatabase(embedded.serverUrl, EMBEDDED_DATABASE_NAME);
    // Role URLs given explicitly carry passwords someone else manages: then only an explicit
    // DATABASE_ROLE_PASSWORD may change them.
    const derivesRoleUrls = !env.databaseAppUrl || !env.databaseSystemUrl;
    const rolePassword = env.databaseRolePassword ?? (derivesRoleUrls ? params.secrets().rolePassword : undefined);
    const urls = resolveDatabaseUrls({
      ownerUrl,
      appUrl: env.databaseAppUrl,
      systemUrl: env.databaseSystemUrl,
      rolePassword: rolePassword ?? '',
    });
    let migration: MigrateResult;
    try {
      migration = await migrate(ownerUrl, rolePassword ? { rolePassword } : {});
    } catch (error) {
      throw explain(error, ownerUrl, Boolean(embedded));
    }
    return {
      urls,
      embedded,
      migration,
      stop: async () => {
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    if (error instanceof LaunchError) throw error;
    throw explain(error, ownerUrl, Boolean(embedded));
  }
}

/** One line saying what `migrate` did. */
export function describeMigration(result: MigrateResult): string {
  const names = result.applied.map((file) => path.basename(file));
  return names.length
    ? `Applied ${names.length} migration(s): ${names.join(', ')} (schema version ${result.version})`
    : `Database schema is up to date (version ${result.version})`;
}
