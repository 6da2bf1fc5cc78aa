import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

/**
 * The system client: connects as `conflux_system`, which bypasses row-level security. Only for the few
 * cross-tenant needs, each named in eslint.config.js (`systemClientUsers`): the auth library, resolving a
 * user's tenants, accepting an invitation, creating a tenant. Everything else goes through `withTenant`.
 */
export type SystemDb = PrismaClient;

/** A system client together with the pool it owns. */
export interface SystemClient {
  db: SystemDb;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createSystemClient(systemUrl: string, options: { max?: number } = {}): SystemClient {
  const pool = new pg.Pool({ connectionString: systemUrl, max: options.max ?? 5 });
  // An idle connection the server drops (restart, failover) must not crash the process.
  pool.on('error', (error) => console.warn(`[db] idle system connection lost: ${error.message}`));
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    pool,
    async close() {
      await db.$disconnect();
      await pool.end();
    },
  };
}
