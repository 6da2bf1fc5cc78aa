// An inbound event and its run (which is its own queue entry) are written in one transaction: if the unit
// of work that records them fails, neither exists — never an event without a run, nor a queued run whose
// event was rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent, type RecordedEvent } from '@conflux/core';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { testServices } from '../../apps/portal/src/server/testing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createLiveFlow, ingestCounts, queuedRuns, signUpTenant, type LiveFlow, type TestTenant } from '../support/platform-parts.ts';

let db: TestDatabase;
let services: Services;
let tenant: TestTenant;
let flow: LiveFlow;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  tenant = await signUpTenant(services, 'Atomic Inc');
  flow = await createLiveFlow(tenant, {
    name: 'Catch orders',
    definition: { trigger: { connector: 'webhook', trigger: 'catchHook', props: {} }, steps: [{ kind: 'map', key: 'copy', expression: 'trigger' }] },
  });
});

afterAll(async () => {
  await services?.close();
  await db?.close();
});

describe('recording an event', () => {
  it('leaves no event and no queued run when the transaction fails after recordEvent', async () => {
    const before = await ingestCounts(db);
    let recorded: RecordedEvent | undefined;
    await expect(
      db.gate.withTenant(tenant.tenantId, async (tx) => {
        recorded = await recordEvent(tx, { tenantId: tenant.tenantId, flowId: flow.flowId, source: 'webhook', sourceEventId: 'evt_atomic_1', payload: { id: 'ord_1' } });
        // Inside the unit of work the event and its run are there.
        expect(await tx.event.count({ where: { id: recorded.eventId } })).toBe(1);
        expect(await tx.run.count({ where: { id: recorded.runId } })).toBe(1);
        throw new Error('the process failed before committing');
      }),
    ).rejects.toThrow('the process failed before committing');

    expect(recorded?.duplicate).toBe(false);
    expect(await db.system.db.event.findUnique({ where: { id: recorded!.eventId }, select: { id: true } })).toBeNull();
    expect(await db.system.db.run.findUnique({ where: { id: recorded!.runId }, select: { id: true } })).toBeNull();
    expect((await queuedRuns(db)).filter((j) => j.runId === recorded!.runId)).toEqual([]);
    expect(await ingestCounts(db)).toEqual(before);
  });

  it('writes all three when it commits, and the rolled-back event id was never taken', async () => {
    const before = await ingestCounts(db);
    // The same source event id as the rolled-back attempt: no trace of it blocks this one as a duplicate.
    const recorded = await db.gate.withTenant(tenant.tenantId, (tx) =>
      recordEvent(tx, { tenantId: tenant.tenantId, flowId: flow.flowId, source: 'webhook', sourceEventId: 'evt_atomic_1', payload: { id: 'ord_1' } }),
    );
    expect(recorded.duplicate).toBe(false);
    expect(await db.system.db.event.findUnique({ where: { id: recorded.eventId }, select: { sourceEventId: true } })).toEqual({ sourceEventId: 'evt_atomic_1' });
    expect(await db.system.db.run.findUnique({ where: { id: recorded.runId }, select: { status: true, eventId: true } })).toEqual({ status: 'queued', eventId: recorded.eventId });
    expect((await queuedRuns(db)).filter((j) => j.runId === recorded.runId)).toEqual([{ runId: recorded.runId, tenantId: tenant.tenantId, lockedBy: null, attempts: 0 }]);
    expect(await ingestCounts(db)).toEqual({ events: before.events + 1, runs: before.runs + 1, queued: before.queued + 1 });
  });
});
