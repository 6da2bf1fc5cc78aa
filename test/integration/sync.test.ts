// Sync flows end to end on real parts: a PostgreSQL database standing in for a tenant's system of record
// (10,000 customers), the postgres connector's polling trigger, the worker's sync passes and dispatcher,
// and an HTTP target that counts what it applied per record id (by Idempotency-Key, as a careful vendor
// does). The first pass delivers every row once; rows changed or added between passes arrive once each and
// unchanged rows start nothing; a worker killed with SIGKILL in the middle of a pass is taken over by
// another, which goes on from the last stored page: no record twice, none missing.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { listSyncs, requestSync } from '@conflux/core';
import type { RunningWorker } from '../../apps/worker/src/worker.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  createLiveFlow,
  signUpTenant,
  spawnWorkerProcess,
  startRecordingTarget,
  startTestWorker,
  waitFor,
  type RecordingTarget,
  type TestTenant,
  type WorkerProcess,
} from '../support/platform-parts.ts';

const ROWS = 10_000;
const sourceName = `conflux_sync_source_${process.pid}`;
const sourceRole = `conflux_sync_reader_${process.pid}`;
const sourcePassword = 'reader-password-1';

let db: TestDatabase;
let services: Services;
let server: pg.Client;
let source: pg.Client;
let target: RecordingTarget;
let tenant: TestTenant;
let connectionId: string;
let doomed: WorkerProcess | undefined;
const workers: RunningWorker[] = [];
// The per-connection outbound budget (50 calls/s by default) protects a vendor's quota; this test measures
// correctness, not that budget, so its workers may call the target as fast as they can.

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  target = await startRecordingTarget();
  // The tenant's own database, reached over TCP with its own login, as a customer's would be.
  const serverUrl = new URL(inject('pgServerUrl'));
  server = new pg.Client({ connectionString: serverUrl.toString() });
  await server.connect();
  await server.query(`DROP DATABASE IF EXISTS ${sourceName} WITH (FORCE)`);
  await server.query(`DROP ROLE IF EXISTS ${sourceRole}`);
  await server.query(`CREATE ROLE ${sourceRole} LOGIN PASSWORD '${sourcePassword}'`);
  await server.query(`CREATE DATABASE ${sourceName} OWNER ${sourceRole}`);
  const sourceUrl = new URL(serverUrl);
  sourceUrl.pathname = `/${sourceName}`;
  sourceUrl.username = sourceRole;
  sourceUrl.password = sourcePassword;
  source = new pg.Client({ connectionString: sourceUrl.toString() });
  await source.connect();
  for (const table of ['customers', 'suppliers']) {
    await source.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
    // Distinct, increasing updated-at values, as a busy table has.
    await source.query(
      `INSERT INTO ${table} (name, email, updated_at)
       SELECT 'Name ' || g, 'person' || g || '@example.com', timestamptz '2026-01-01' + g * interval '1 second' FROM generate_series(1, ${ROWS}) g`,
    );
  }

  tenant = await signUpTenant(services, 'Syncing Co');
  // 10,000 records and their changes are more runs than the free plan's month allows.
  await db.system.db.tenantAccount.update({ where: { tenantId: tenant.tenantId }, data: { planId: 'pro' } });
  const connection = await tenant.caller.connections.create({
    connectorId: 'postgres',
    name: 'CRM database',
    authKind: 'custom',
    credentials: { host: serverUrl.hostname, port: Number(serverUrl.port || 5432), database: sourceName, user: sourceRole, password: sourcePassword, sslMode: 'disable' },
  });
  connectionId = connection.id;
});

afterEach(async () => {
  await doomed?.kill();
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

afterAll(async () => {
  await target?.close();
  await source?.end();
  await server?.query(`DROP DATABASE IF EXISTS ${sourceName} WITH (FORCE)`).catch(() => undefined);
  await server?.query(`DROP ROLE IF EXISTS ${sourceRole}`).catch(() => undefined);
  await server?.end();
  await services?.close();
  await db?.close();
});

async function syncFlow(name: string, table: string, httpConnectionId: string) {
  return createLiveFlow(tenant, {
    name,
    definition: {
      trigger: {
        connector: 'postgres',
        trigger: 'newOrUpdatedRows',
        connectionId,
        props: { table, idColumn: 'id', cursorColumn: 'updated_at' },
        schedule: { everyMinutes: 60 },
      },
      steps: [
        {
          kind: 'action',
          key: 'upsert',
          connector: 'http',
          action: 'request',
          connectionId: httpConnectionId,
          props: { method: 'POST', url: `${target.url}/${table}`, body: { expr: '{ "id": trigger.id, "change": trigger.change, "name": trigger.data.name }' } },
        },
      ],
    },
  });
}

/** Records the target applied for a table: per record id, how many times, and the names it was given. */
function applied(table: string) {
  const perId = new Map<string, string[]>();
  for (const effect of target.effects) {
    if (effect.path !== `/${table}`) continue;
    const body = effect.body as { id: string; name: string };
    perId.set(body.id, [...(perId.get(body.id) ?? []), body.name]);
  }
  return perId;
}

async function passesOf(flowId: string) {
  return services.gate.withTenant(tenant.tenantId, (tx) => listSyncs(tx, { tenantId: tenant.tenantId, userId: tenant.userId, role: 'owner' }, { flowId, limit: 10 }));
}

describe('a sync flow from a PostgreSQL table to an HTTP target', () => {
  it('delivers 10,000 rows once each, then only what changed or was added between passes', { timeout: 240_000 }, async () => {
    const http = await tenant.caller.connections.create({ connectorId: 'http', name: 'Target API', authKind: 'none', credentials: {} });
    workers.push(await startTestWorker(db, {}, { WORKER_CONCURRENCY: '16', SYNC_PAGE_SIZE: '1000', EGRESS_RATE_PER_SECOND: '100000' }));
    const flow = await syncFlow('Customers to the API', 'customers', http.id);

    // Publishing a sync flow starts its first pass.
    await waitFor(() => applied('customers').size === ROWS, { timeoutMs: 180_000, intervalMs: 500, what: () => `all ${ROWS} customers at the target (${applied('customers').size} so far)` });
    const [first] = await passesOf(flow.flowId);
    // Ten full pages, then an empty one that tells the pass it has read everything.
    expect(first).toMatchObject({ status: 'succeeded', pages: 11, recordsSeen: ROWS, recordsChanged: ROWS });
    await waitFor(async () => (await passesOf(flow.flowId))[0]!.processed === ROWS, { timeoutMs: 30_000, what: 'every run of the pass to be counted' });
    expect([...applied('customers').values()].every((names) => names.length === 1)).toBe(true);

    // Between passes: 40 rows change, 25 are added, and one is "touched" with the same content but a new updated_at.
    await source.query(`UPDATE customers SET name = name || ' (moved)', updated_at = now() WHERE id <= 40`);
    await source.query(`INSERT INTO customers (name, email, updated_at) SELECT 'New ' || g, 'new' || g || '@example.com', now() FROM generate_series(1, 25) g`);
    await services.gate.withTenant(tenant.tenantId, (tx) => requestSync(tx, { tenantId: tenant.tenantId, userId: tenant.userId, role: 'owner' }, { flowId: flow.flowId }));
    await waitFor(async () => (await passesOf(flow.flowId)).length === 2 && (await passesOf(flow.flowId))[0]!.status !== 'running', { timeoutMs: 60_000, what: 'the second pass' });
    const [second] = await passesOf(flow.flowId);
    expect(second).toMatchObject({ status: 'succeeded', recordsSeen: 65, recordsChanged: 65, reason: 'manual' });
    await waitFor(() => applied('customers').size === ROWS + 25, { timeoutMs: 60_000, what: 'the added customers' });
    await waitFor(() => [...applied('customers').values()].filter((n) => n.length === 2).length === 40, { timeoutMs: 60_000, what: 'the changed customers' });
    const perId = applied('customers');
    expect(perId.get('1')).toEqual(['Name 1', 'Name 1 (moved)']);
    expect(perId.get('41')).toEqual(['Name 41']);

    // A third pass with nothing new reads nothing and starts nothing.
    await services.gate.withTenant(tenant.tenantId, (tx) => requestSync(tx, { tenantId: tenant.tenantId, userId: tenant.userId, role: 'owner' }, { flowId: flow.flowId }));
    await waitFor(async () => (await passesOf(flow.flowId)).length === 3 && (await passesOf(flow.flowId))[0]!.status !== 'running', { timeoutMs: 60_000, what: 'the third pass' });
    expect((await passesOf(flow.flowId))[0]).toMatchObject({ status: 'succeeded', recordsChanged: 0 });
  });

  it('is taken over after SIGKILL mid-pass and goes on with no record twice and none missing', { timeout: 240_000 }, async () => {
    const http = await tenant.caller.connections.create({ connectorId: 'http', name: 'Supplier API', authKind: 'none', credentials: {} });
    // Small pages so that the kill lands between pages of a pass.
    doomed = spawnWorkerProcess(db, { WORKER_CONCURRENCY: '8', SYNC_PAGE_SIZE: '250', EGRESS_RATE_PER_SECOND: '100000' });
    const flow = await syncFlow('Suppliers to the API', 'suppliers', http.id);
    await waitFor(async () => ((await passesOf(flow.flowId))[0]?.pages ?? 0) >= 5, { timeoutMs: 60_000, intervalMs: 50, what: () => `the pass to store a few pages (worker stderr: ${doomed!.stderr() || 'empty'})` });
    await doomed.kill('SIGKILL');
    const [interrupted] = await passesOf(flow.flowId);
    expect(interrupted!.status).toBe('running');
    expect(interrupted!.recordsSeen).toBeLessThan(ROWS);

    // Another worker notices the dead one (short stale window), takes the pass job and its claimed runs back.
    workers.push(await startTestWorker(db, { supervisorIntervalMs: 250, staleAfterMs: 2_000 }, { WORKER_CONCURRENCY: '16', SYNC_PAGE_SIZE: '1000', EGRESS_RATE_PER_SECOND: '100000' }));
    await waitFor(() => applied('suppliers').size === ROWS, { timeoutMs: 180_000, intervalMs: 500, what: () => `all ${ROWS} suppliers at the target (${applied('suppliers').size} so far)` });
    const passes = await passesOf(flow.flowId);
    expect(passes.map((p) => p.status)).toEqual(['succeeded', 'failed']);
    expect(passes[1]!.error?.message).toMatch(/stopped/);
    // Together the two passes read every row exactly once.
    expect(passes[0]!.recordsSeen + passes[1]!.recordsSeen).toBe(ROWS);
    expect([...applied('suppliers').values()].every((names) => names.length === 1)).toBe(true);
    const records = await db.system.db.syncRecord.count({ where: { flowId: flow.flowId } });
    expect(records).toBe(ROWS);
  });
});
