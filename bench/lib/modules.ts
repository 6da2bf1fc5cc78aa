/**
 * Third-party modules the benchmarks need, loaded from the workspace packages that already depend on
 * them: bench/ is not a workspace package and adds no dependencies of its own.
 */
import { createRequire } from 'node:module';

const fromDb = createRequire(new URL('../../packages/db/package.json', import.meta.url));

/** node-postgres, the same copy the apps use. */
export const pg = fromDb('pg') as typeof import('pg');
export type PgClient = import('pg').Client;
export type PgPool = import('pg').Pool;
