// Scheduled flows: publishing and enabling plans the next tick; a tick records one event (ticks are
// deduplicated by their time) and queues the following one; a disabled flow stops ticking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { fireScheduleTick, queueNextTick } from '@conflux/core';
import { nextRuns } from '@conflux/connector-schedule';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createCaller } from '../../apps/portal/src/server/root.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { signUpAndSignIn, testServices, type SignedInUser } from '../../apps/portal/src/server/testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let user: SignedInUser;
let tenantId: string;
const nextRun = (cron: string, timezone: string, after: Date) => nextRuns(cron, timezone, after, 1)[0] ?? null;

const jobs = async (task: string) =>
  (
    await owner.query<{ key: string | null; payload: Record<string, string>; run_at: Date }>(
      `SELECT j.key, j.payload, j.run_at FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE t.identifier = $1 ORDER BY j.id`,
      [task],
    )
  ).rows;

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  user = await signUpAndSignIn(services, { name: 'Sam Scheduler', email: 'sam@cron.test', workspaceName: 'Cron Co' });
  tenantId = (await createCaller(await user.context()).tenant.get()).id;
});
afterAll(async () => {
  await owner.end();
  await services.close();
  await db.close();
});

describe('scheduled flows', () => {
  it('plans, fires once per tick, queues the next, and stops when disabled', async () => {
    const api = createCaller(await user.context());
    const flow = await api.flows.create({
      name: 'Nightly report',
      definition: { trigger: { connector: 'schedule', trigger: 'cron', props: { cron: '0 2 * * *', timezone: 'Europe/Paris' } }, steps: [{ kind: 'map', key: 'when', expression: 'trigger.scheduledAt' }] },
    });
    await api.flows.publish({ flowId: flow.id });
    await api.flows.setEnabled({ flowId: flow.id, enabled: true });
    const planned = await jobs('schedule-plan');
    expect(planned.at(-1)).toMatchObject({ key: `schedule:${flow.id}`, payload: { tenantId, flowId: flow.id } });

    // What the worker's schedule-plan task does.
    const from = new Date('2026-11-29T12:00:00Z');
    const at = await services.gate.withTenant(tenantId, (tx) => queueNextTick(tx, { tenantId, flowId: flow.id, after: from }, { nextRun }));
    expect(at?.toISOString()).toBe('2026-11-30T01:00:00.000Z'); // 02:00 in Paris (UTC+1 in winter)
    const ticks = await jobs('schedule-tick');
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toMatchObject({ key: `schedule:${flow.id}`, payload: { at: '2026-11-30T01:00:00.000Z' } });

    // The tick fires: one run, even if the job is delivered twice; the next tick replaces this one.
    const first = await services.gate.withTenant(tenantId, (tx) => fireScheduleTick(tx, { tenantId, flowId: flow.id, at: at! }, { nextRun }));
    const again = await services.gate.withTenant(tenantId, (tx) => fireScheduleTick(tx, { tenantId, flowId: flow.id, at: at! }, { nextRun }));
    expect(again.runId).toBe(first.runId);
    const runs = await owner.query(`SELECT e.payload FROM run r JOIN event e ON e.id = r.event_id WHERE r.flow_id = $1`, [flow.id]);
    expect(runs.rows).toEqual([{ payload: { scheduledAt: '2026-11-30T01:00:00.000Z', timezone: 'Europe/Paris' } }]);
    const following = await jobs('schedule-tick');
    expect(following.map((j) => j.payload.at)).toEqual(['2026-12-01T01:00:00.000Z']);

    // Disabled: the pending tick finds nothing to do and queues nothing more.
    await api.flows.setEnabled({ flowId: flow.id, enabled: false });
    const stopped = await services.gate.withTenant(tenantId, (tx) => fireScheduleTick(tx, { tenantId, flowId: flow.id, at: new Date('2026-12-01T01:00:00Z') }, { nextRun }));
    expect(stopped.runId).toBeNull();
  });

  it('refuses an invalid cron expression or time zone at publish time', async () => {
    const api = createCaller(await user.context());
    const flow = await api.flows.create({
      name: 'Broken schedule',
      definition: { trigger: { connector: 'schedule', trigger: 'cron', props: { cron: '61 * * * *', timezone: 'Mars/Olympus' } }, steps: [] },
    });
    await expect(api.flows.publish({ flowId: flow.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/before publishing/) });
    const detail = await api.flows.get({ flowId: flow.id });
    expect(detail.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['trigger.props.cron', 'trigger.props.timezone']));
  });
});
