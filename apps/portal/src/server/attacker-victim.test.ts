/**
 * The attacker/victim sweep. It enumerates EVERY procedure of the portal's router — new ones included,
 * without anyone adding them here — and calls each as a member of tenant A with tenant B's ids, and again
 * with an injected `tenantId` of B. Each call must be refused (NOT_FOUND / FORBIDDEN, or BAD_REQUEST for
 * the unknown field) or act on A only; in every case B's rows are byte-for-byte unchanged and no B
 * identifier, name or email appears in what A gets back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { appRouter, createCaller } from './root.ts';
import type { Services } from './services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let attacker: SignedInUser;
let victim: { tenantId: string; userIds: string[]; membershipIds: string[]; invitationId: string; sessionId: string; strings: string[] };

/** Values for input fields by name. An input field the sweep does not know fails the test: map it here. */
function valueFor(key: string): unknown {
  switch (key) {
    case 'tenantId':
      return victim.tenantId;
    case 'membershipId':
      return victim.membershipIds[1];
    case 'invitationId':
      return victim.invitationId;
    case 'sessionId':
      return victim.sessionId;
    case 'userId':
      return victim.userIds[0];
    case 'token':
      // Invitation tokens are secrets mailed to the invitee, not ids; an attacker can only guess.
      return 'guessed-token-0123456789abcdef';
    case 'email':
      return 'victim-member@victim.test';
    case 'role':
      return 'owner';
    case 'name':
      return 'Hijacked';
    default:
      throw new Error(`The attacker/victim sweep does not know the input field "${key}": add it to valueFor()`);
  }
}
const REFERENCE_KEYS = new Set(['tenantId', 'membershipId', 'invitationId', 'sessionId', 'userId', 'token']);

async function victimSnapshot(): Promise<string> {
  const q = async (sql: string, params: unknown[]) => (await owner.query(sql, params)).rows;
  const snapshot = {
    tenant: await q('SELECT * FROM tenant WHERE id = $1', [victim.tenantId]),
    membership: await q('SELECT * FROM membership WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    invitation: await q('SELECT * FROM invitation WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    audit: await q('SELECT * FROM audit_log WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    users: await q('SELECT * FROM "user" WHERE id = ANY($1) ORDER BY id', [victim.userIds]),
    sessions: await q('SELECT id, user_id, active_tenant_id, expires_at FROM session WHERE user_id = ANY($1) ORDER BY id', [victim.userIds]),
    accounts: await q('SELECT id, user_id, password FROM account WHERE user_id = ANY($1) ORDER BY id', [victim.userIds]),
  };
  return JSON.stringify(snapshot);
}

/** Procedures by dotted path, straight from the router definition. */
function allProcedures() {
  const procedures = appRouter._def.procedures as Record<string, { _def: { type: string; inputs: unknown[] } }>;
  return Object.entries(procedures).map(([path, procedure]) => {
    const input = procedure._def.inputs[0] as z.ZodType | undefined;
    const shape = input && input instanceof z.ZodObject ? (input.shape as Record<string, unknown>) : undefined;
    if (input && !shape) throw new Error(`${path}: the sweep only understands object inputs; extend it`);
    return { path, type: procedure._def.type, keys: shape ? Object.keys(shape) : [] };
  });
}

async function call(path: string, input: unknown, session: SignedInUser | null) {
  const ctx = session ? await session.context() : { services, session: null };
  const caller = createCaller(ctx) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
  const [group, name] = path.split('.') as [string, string];
  return caller[group]![name]!(input);
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();

  const victimOwner = await signUpAndSignIn(services, { name: 'Vera Victim', email: 'victim-owner@victim.test', workspaceName: 'Victim Corp' });
  const victimMember = await signUpAndSignIn(services, { name: 'Max Member', email: 'victim-member@victim.test', workspaceName: 'Max Solo' });
  const victimCtx = await victimOwner.context();
  const victimCaller = createCaller(victimCtx);
  const victimTenant = await victimCaller.tenant.get();
  // Add Max to Victim Corp through a real invitation, and leave one invitation pending.
  await victimCaller.team.invite({ email: 'victim-member@victim.test', role: 'member' });
  const tokenRow = await owner.query(`SELECT id FROM invitation WHERE email = 'victim-member@victim.test'`);
  await owner.query(`UPDATE invitation SET status = 'accepted' WHERE id = $1`, [tokenRow.rows[0].id]);
  await owner.query(`INSERT INTO membership (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [victimTenant.id, victimMember.userId]);
  const pending = await victimCaller.team.invite({ email: 'future@victim.test', role: 'admin' });
  const memberships = await owner.query(`SELECT id FROM membership WHERE tenant_id = $1 ORDER BY role`, [victimTenant.id]);
  const session = await owner.query(`SELECT id FROM session WHERE user_id = $1 LIMIT 1`, [victimOwner.userId]);
  victim = {
    tenantId: victimTenant.id,
    userIds: [victimOwner.userId, victimMember.userId],
    membershipIds: memberships.rows.map((r) => r.id),
    invitationId: pending.id,
    sessionId: session.rows[0].id,
    strings: [],
  };
  victim.strings = [victim.tenantId, ...victim.userIds, ...victim.membershipIds, victim.invitationId, victim.sessionId,
    'Victim Corp', 'Vera Victim', 'victim-owner@victim.test', 'future@victim.test'];

  attacker = await signUpAndSignIn(services, { name: 'Mallory', email: 'mallory@attacker.test', workspaceName: 'Attacker Inc' });
});

afterAll(async () => {
  await owner.end();
  await services.close();
  await db.close();
});

describe('attacker/victim sweep over every procedure', () => {
  const procedures = allProcedures();

  it('finds the procedures of every router', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(15);
    expect(procedures.map((p) => p.path)).toContain('team.removeMember');
  });

  it.each(procedures.map((p) => [p.path, p] as const))('%s: tenant B stays out of reach of tenant A', async (_path, procedure) => {
    const base = Object.fromEntries(procedure.keys.map((k) => [k, valueFor(k)]));
    const variants = [
      { input: procedure.keys.length ? base : undefined, referencesVictim: procedure.keys.some((k) => REFERENCE_KEYS.has(k)) },
      // Inputs are strict objects, so a smuggled tenantId is refused; a procedure without input ignores it
      // and must act on A only (checked below by the leak and snapshot assertions).
      {
        input: { ...base, tenantId: victim.tenantId },
        referencesVictim: procedure.keys.some((k) => REFERENCE_KEYS.has(k)),
        injected: procedure.keys.length > 0 && !procedure.keys.includes('tenantId'),
      },
    ];
    for (const variant of variants) {
      const before = await victimSnapshot();
      let outcome: { ok: true; value: unknown } | { ok: false; code: string };
      try {
        outcome = { ok: true, value: await call(procedure.path, variant.input, attacker) };
      } catch (error) {
        if (!(error instanceof TRPCError)) throw error;
        outcome = { ok: false, code: error.code };
      }
      const label = `${procedure.path}(${JSON.stringify(variant.input)})`;
      if (variant.referencesVictim || ('injected' in variant && variant.injected)) {
        // Pointing at B's objects or smuggling B's tenant id is refused outright.
        expect(outcome, label).toMatchObject({ ok: false });
        const allowed = 'injected' in variant && variant.injected ? ['NOT_FOUND', 'FORBIDDEN', 'BAD_REQUEST'] : ['NOT_FOUND', 'FORBIDDEN'];
        expect(allowed, label).toContain((outcome as { code: string }).code);
      }
      if (outcome.ok) {
        const text = JSON.stringify(outcome.value) ?? '';
        for (const secret of victim.strings) expect(text, `${label} leaked ${secret}`).not.toContain(secret);
      }
      expect(await victimSnapshot(), `${label} changed tenant B`).toBe(before);
    }
  });

  it.each(procedures.map((p) => [p.path, p] as const))('%s: refused without a session', async (_path, procedure) => {
    const input = procedure.keys.length ? Object.fromEntries(procedure.keys.map((k) => [k, valueFor(k)])) : undefined;
    await expect(call(procedure.path, input, null)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
