// withTenant is the one door to tenant data. These tests hammer it through a small pool so that
// connections are reused constantly: a tenant setting that survived a unit of work would show up here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTenantGate, type TenantGate } from '@conflux/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';

let db: TestDatabase;
let gate: TenantGate;
const A = '0a0a0a0a-0000-4000-8000-00000000000a';
const B = '0b0b0b0b-0000-4000-8000-00000000000b';

beforeAll(async () => {
  db = await createTestDatabase();
  // Few connections, many units of work: every connection serves both tenants over and over.
  gate = createTenantGate(db.appUrl, { max: 4 });
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await owner.query(`INSERT INTO tenant (id, name) VALUES ($1, 'A'), ($2, 'B')`, [A, B]);
  await owner.query(
    `INSERT INTO audit_log (tenant_id, action) SELECT $1::uuid, 'a-' || g FROM generate_series(1, 50) g
     UNION ALL SELECT $2::uuid, 'b-' || g FROM generate_series(1, 50) g`,
    [A, B],
  );
  await owner.end();
});
afterAll(async () => {
  await gate.close();
  await db.close();
});

describe('withTenant', () => {
  it('never lets a tenant setting leak across pooled connections', async () => {
    const units = 2000;
    const results = await Promise.all(
      Array.from({ length: units }, (_, i) => {
        const tenant = i % 3 === 0 ? B : A;
        return gate.withTenant(tenant, async (tx) => {
          const rows = await tx.auditLog.findMany({ select: { tenantId: true, action: true } });
          const setting = await tx.$queryRaw<{ t: string }[]>`SELECT current_setting('app.tenant_id', true) AS t`;
          return { tenant, rows, setting: setting[0]?.t };
        });
      }),
    );
    for (const r of results) {
      expect(r.setting).toBe(r.tenant);
      expect(r.rows).toHaveLength(50);
      expect(r.rows.every((row) => row.tenantId === r.tenant)).toBe(true);
    }
    // Outside any unit of work, a pooled connection carries no tenant.
    const raw = new pg.Pool({ connectionString: db.appUrl, max: 1 });
    const { rows } = await raw.query(`SELECT current_setting('app.tenant_id', true) AS t, (SELECT count(*) FROM audit_log)::int AS n`);
    expect(rows[0]).toEqual({ t: expect.toSatisfy((v: string | null) => !v), n: 0 });
    await raw.end();
  });

  it('a write for another tenant is refused inside the gate', async () => {
    await expect(
      gate.withTenant(A, (tx) => tx.auditLog.create({ data: { tenantId: B, action: 'sneaky' } })),
    ).rejects.toThrow();
    const count = await gate.withTenant(B, (tx) => tx.auditLog.count({ where: { action: 'sneaky' } }));
    expect(count).toBe(0);
  });

  it('rolls back everything when the unit of work fails', async () => {
    await expect(
      gate.withTenant(A, async (tx) => {
        await tx.auditLog.create({ data: { tenantId: A, action: 'half-done' } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await gate.withTenant(A, (tx) => tx.auditLog.count({ where: { action: 'half-done' } }))).toBe(0);
  });

  it('refuses anything but a uuid as tenant id', async () => {
    await expect(gate.withTenant("' OR 1=1 --", async () => 1)).rejects.toThrow(/tenant id/);
    await expect(gate.withTenant(undefined as unknown as string, async () => 1)).rejects.toThrow(/tenant id/);
  });
});
