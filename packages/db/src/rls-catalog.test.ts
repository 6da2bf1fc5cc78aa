// The tenant gate is fail-closed: these checks read the catalog, so a new table that forgets its policy,
// or a role that gains ownership or BYPASSRLS, fails the build rather than leaking data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';

let db: TestDatabase;
let owner: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
});
afterAll(async () => {
  await owner.end();
  await db.close();
});

describe('row-level security catalog', () => {
  it('every table with a tenant_id column forces RLS and has a policy on app.tenant_id', async () => {
    const { rows } = await owner.query<{ table: string; rls: boolean; forced: boolean; policies: string[] }>(`
      SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
             coalesce(array_agg(p.qual) FILTER (WHERE p.qual IS NOT NULL), '{}') AS policies
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        LEFT JOIN pg_policies p ON p.schemaname = n.nspname AND p.tablename = c.relname
       WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
       GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity`);
    expect(rows.length).toBeGreaterThan(0);
    const offenders = rows.filter(
      (r) => !r.rls || !r.forced || !r.policies.some((q) => q.includes('app_current_tenant()')),
    );
    expect(offenders.map((r) => r.table)).toEqual([]);
  });

  it('the tenant table itself is gated', async () => {
    const { rows } = await owner.query(
      `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'tenant' AND relkind = 'r'`,
    );
    expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it('the application role is no superuser, cannot bypass RLS and owns nothing', async () => {
    const { rows } = await owner.query(
      `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'conflux_app'`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await owner.query(`
      SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
       WHERE r.rolname IN ('conflux_app', 'conflux_system')
      UNION ALL
      SELECT n.nspname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
       WHERE r.rolname IN ('conflux_app', 'conflux_system')`);
    expect(owned.rows).toEqual([]);
  });

  it('with app.tenant_id unset a query sees no rows and an insert fails', async () => {
    await owner.query(`INSERT INTO tenant (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Acme')`);
    const app = new pg.Client({ connectionString: db.appUrl });
    await app.connect();
    try {
      expect((await app.query('SELECT * FROM tenant')).rowCount).toBe(0);
      expect((await app.query('SELECT * FROM membership')).rowCount).toBe(0);
      await expect(
        app.query(
          `INSERT INTO audit_log (tenant_id, action) VALUES ('00000000-0000-4000-8000-000000000001', 'x')`,
        ),
      ).rejects.toThrow(/row-level security/);
      // Nor can the app role reach identity tables at all.
      await expect(app.query('SELECT * FROM session')).rejects.toThrow(/permission denied/);
      await expect(app.query('SELECT * FROM account')).rejects.toThrow(/permission denied/);
      // Setting the tenant for the session (not the transaction) is what withTenant never does; a garbage
      // value fails the query instead of matching anything.
      await app.query(`SELECT set_config('app.tenant_id', 'not-a-uuid', false)`);
      await expect(app.query('SELECT * FROM tenant')).rejects.toThrow(/uuid/);
    } finally {
      await app.end();
    }
  });
});
