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
import { recordEvent } from '@conflux/core';
import { appRouter, createCaller } from './root.ts';
import type { Services } from './services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let attacker: SignedInUser;
let victim: {
  tenantId: string;
  userIds: string[];
  membershipIds: string[];
  invitationId: string;
  sessionId: string;
  connectionId: string;
  flowId: string;
  runId: string;
  deviceId: string;
  keyId: string;
  strings: string[];
};

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
    case 'connectionId':
      return victim.connectionId;
    case 'flowId':
      // Also the victim's sync flow: syncs.passes and syncs.syncNow must not reach its passes.
      return victim.flowId;
    case 'runId':
      return victim.runId;
    case 'deviceId':
      return victim.deviceId;
    case 'keyId':
      return victim.keyId;
    case 'type':
      return 'thermometer';
    case 'tags':
      // An array value is a list of candidates (see valueForField): the one candidate is the tag list.
      return [['stolen']];
    case 'tag':
      return 'victim-tag';
    case 'payloadFormat':
      return 'raw';
    case 'channel':
      return 'valve';
    case 'payload':
      return { open: true };
    case 'qos':
      return 1;
    case 'messages':
      return 5;
    case 'connections':
      return { connection1: victim.connectionId };
    case 'document':
      return { format: 'conflux.flow/v1', name: 'Stolen', description: '', definition: { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [] }, connections: [{ ref: 'connection1', connectorId: 'http', name: 'x' }], stepConnections: {} };
    case 'definition':
      return { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [{ kind: 'action', key: 'call', connector: 'http', action: 'request', connectionId: victim.connectionId, props: { method: 'GET', url: 'https://example.com' } }] };
    case 'connectorId':
      return 'http';
    case 'authKind':
      return 'none';
    case 'credentials':
    case 'metadata':
      return {};
    case 'description':
    case 'search':
    case 'businessKey':
      return 'x';
    case 'enabled':
      return true;
    case 'source':
      return 'draft';
    case 'from':
      // replay's `from` is where to start; runs.list's is a date.
      return ['failed_step', new Date(0)];
    case 'authMode':
      return 'path_token';
    case 'limit':
      return 10;
    case 'days':
      return 7;
    case 'timeZone':
      return 'Europe/Berlin';
    case 'cursor':
    case 'to':
    case 'status':
      return undefined;
    case 'expression':
      return 'trigger';
    case 'sample':
      return { a: 1 };
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
const REFERENCE_KEYS = new Set(['tenantId', 'membershipId', 'invitationId', 'sessionId', 'userId', 'token', 'connectionId', 'flowId', 'runId', 'connections', 'definition', 'deviceId', 'keyId']);

/** A value for a field: the first candidate its schema accepts (some names mean different things in different procedures). */
function valueForField(key: string, schema: unknown): unknown {
  const value = valueFor(key);
  if (!Array.isArray(value) || key === 'status') return value;
  return value.find((candidate) => (schema as z.ZodType).safeParse(candidate).success) ?? value[0];
}

async function victimSnapshot(): Promise<string> {
  const q = async (sql: string, params: unknown[]) => (await owner.query(sql, params)).rows;
  const snapshot = {
    tenant: await q('SELECT * FROM tenant WHERE id = $1', [victim.tenantId]),
    membership: await q('SELECT * FROM membership WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    invitation: await q('SELECT * FROM invitation WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    audit: await q('SELECT * FROM audit_log WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    connections: await q('SELECT * FROM connection WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    flows: await q('SELECT * FROM flow WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    versions: await q('SELECT * FROM flow_version WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    endpoints: await q('SELECT * FROM webhook_endpoint WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    events: await q('SELECT * FROM event WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    runs: await q('SELECT * FROM run WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    steps: await q('SELECT * FROM run_step WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    keys: await q('SELECT * FROM tenant_key WHERE tenant_id = $1', [victim.tenantId]),
    devices: await q('SELECT * FROM device WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    deviceMessages: await q('SELECT * FROM device_message WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    deviceStats: await q('SELECT * FROM device_stat_minute WHERE tenant_id = $1 ORDER BY device_id, minute', [victim.tenantId]),
    deviceCommands: await q('SELECT * FROM device_command WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    provisioningKeys: await q('SELECT * FROM device_provisioning_key WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    account: await q('SELECT * FROM tenant_account WHERE tenant_id = $1', [victim.tenantId]),
    syncStates: await q('SELECT * FROM sync_state WHERE tenant_id = $1 ORDER BY flow_id', [victim.tenantId]),
    syncs: await q('SELECT * FROM sync WHERE tenant_id = $1 ORDER BY id', [victim.tenantId]),
    syncJobs: await q(`SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'sync-flow' AND j.payload->>'tenantId' = $1`, [victim.tenantId]),
    users: await q('SELECT * FROM "user" WHERE id = ANY($1) ORDER BY id', [victim.userIds]),
    sessions: await q('SELECT id, user_id, active_tenant_id, expires_at FROM session WHERE user_id = ANY($1) ORDER BY id', [victim.userIds]),
    accounts: await q('SELECT id, user_id, password FROM account WHERE user_id = ANY($1) ORDER BY id', [victim.userIds]),
  };
  return JSON.stringify(snapshot);
}

/** Procedures by dotted path, straight from the router definition. */
function allProcedures() {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; inputs: unknown[] } }>;
  return Object.entries(procedures).map(([path, procedure]) => {
    let input = procedure._def.inputs[0] as z.ZodType | undefined;
    if (input instanceof z.ZodOptional) input = input.unwrap() as z.ZodType;
    const shape = input && input instanceof z.ZodObject ? (input.shape as Record<string, unknown>) : undefined;
    if (input && !shape) throw new Error(`${path}: the sweep only understands object inputs; extend it`);
    return { path, type: procedure._def.type, keys: shape ? Object.keys(shape) : [], shape: shape ?? {} };
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
  // Connections, a published and enabled flow, and a run of it.
  const connection = await (createCaller(await victimOwner.context())).connections.create({ connectorId: 'http', name: 'Victim API', authKind: 'bearer', credentials: { token: 'victim-secret-token' } });
  const flow = await (createCaller(await victimOwner.context())).flows.create({
    name: 'Victim Orders',
    definition: { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [{ kind: 'action', key: 'call', connector: 'http', action: 'request', connectionId: connection.id, props: { method: 'POST', url: 'https://example.com/orders' } }] },
  });
  await (createCaller(await victimOwner.context())).flows.publish({ flowId: flow.id });
  await (createCaller(await victimOwner.context())).flows.setEnabled({ flowId: flow.id, enabled: true });
  const recorded = await services.gate.withTenant(victimTenant.id, (db) => recordEvent(db, { tenantId: victimTenant.id, flowId: flow.id, source: 'webhook', payload: { order: 'victim-order-1' } }));
  await owner.query(`UPDATE run SET status = 'failed' WHERE id = $1`, [recorded.runId]);
  // A device with telemetry, a command and a provisioning key.
  const device = await (createCaller(await victimOwner.context())).devices.create({ name: 'Victim Boiler', type: 'thermometer', tags: ['victim-tag'] });
  await owner.query(
    `INSERT INTO device_message (tenant_id, device_id, topic, channel, payload, size) VALUES ($1, $2, $3, 'temp', '{"victim":"victim-reading-1"}', 26)`,
    [victimTenant.id, device.device.id, `t/${victimTenant.id}/d/${device.device.id}/up/temp`],
  );
  await owner.query(`INSERT INTO device_stat_minute (tenant_id, device_id, minute, messages) VALUES ($1, $2, date_trunc('minute', now()), 1)`, [victimTenant.id, device.device.id]);
  await (createCaller(await victimOwner.context())).devices.sendCommand({ deviceId: device.device.id, channel: 'valve', payload: { victim: 'victim-command-1' }, qos: 1 });
  const key = await (createCaller(await victimOwner.context())).devices.createProvisioningKey({ name: 'Victim Fleet Key' });
  // The flow has synced (as the worker would have written it): a failed pass with its error.
  await owner.query(`INSERT INTO sync_state (flow_id, tenant_id) VALUES ($1, $2)`, [flow.id, victimTenant.id]);
  await owner.query(
    `INSERT INTO sync (tenant_id, flow_id, status, records_seen, records_changed, error, finished_at) VALUES ($1, $2, 'failed', 7, 3, '{"code":"x","message":"victim-sync-error"}', now())`,
    [victimTenant.id, flow.id],
  );
  const memberships = await owner.query(`SELECT id FROM membership WHERE tenant_id = $1 ORDER BY role`, [victimTenant.id]);
  const session = await owner.query(`SELECT id FROM session WHERE user_id = $1 LIMIT 1`, [victimOwner.userId]);
  victim = {
    tenantId: victimTenant.id,
    userIds: [victimOwner.userId, victimMember.userId],
    membershipIds: memberships.rows.map((r) => r.id),
    invitationId: pending.id,
    sessionId: session.rows[0].id,
    connectionId: connection.id,
    flowId: flow.id,
    runId: recorded.runId,
    deviceId: device.device.id,
    keyId: key.provisioningKey.id,
    strings: [],
  };
  victim.strings = [victim.tenantId, ...victim.userIds, ...victim.membershipIds, victim.invitationId, victim.sessionId,
    victim.connectionId, victim.flowId, victim.runId, 'Victim Corp', 'Vera Victim', 'victim-owner@victim.test', 'future@victim.test',
    'Victim API', 'Victim Orders', 'victim-order-1', 'victim-secret-token', victim.deviceId, victim.keyId, 'Victim Boiler',
    'victim-reading-1', 'victim-command-1', 'Victim Fleet Key', device.credentials.password, key.key, 'victim-sync-error'];

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
    expect(procedures.length).toBeGreaterThanOrEqual(35);
    expect(procedures.map((p) => p.path)).toContain('team.removeMember');
  });

  it.each(procedures.map((p) => [p.path, p] as const))('%s: tenant B stays out of reach of tenant A', async (_path, procedure) => {
    const base = Object.fromEntries(procedure.keys.map((k) => [k, valueForField(k, procedure.shape[k])]).filter(([, v]) => v !== undefined));
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
    const input = procedure.keys.length ? Object.fromEntries(procedure.keys.map((k) => [k, valueForField(k, procedure.shape[k])]).filter(([, v]) => v !== undefined)) : undefined;
    await expect(call(procedure.path, input, null)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
