import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';
import type { Prisma } from './generated/prisma/client.ts';

/** A database handle scoped to one tenant for one transaction: every query sees that tenant's rows only. */
export type TenantDb = Prisma.TransactionClient;

/** The one way to reach tenant data: `withTenant(tenantId, fn)` runs `fn` in a transaction bound to the tenant. */
export interface TenantGate {
  withTenant<T>(tenantId: string, fn: (db: TenantDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opens a pool as the application role (owns no table, cannot bypass row-level security).
 * The tenant is set with `set_config(…, true)`, i.e. transaction-local, so a pooled connection never
 * carries one tenant's setting into another unit of work.
 */
export function createTenantGate(appUrl: string, options: { max?: number } = {}): TenantGate {
  const pool = new pg.Pool({ connectionString: appUrl, max: options.max ?? 10 });
  // An idle connection the server drops (restart, failover) must not crash the process: the pool
  // discards it and the next unit of work opens a new one.
  pool.on('error', (error) => console.warn(`[db] idle application connection lost: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    async withTenant(tenantId, fn) {
      if (typeof tenantId !== 'string' || !UUID.test(tenantId)) {
        throw new Error('withTenant needs a tenant id (uuid)');
      }
      return prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
          return fn(tx);
        },
        { maxWait: 10_000, timeout: 30_000 },
      );
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
