import type { TenantDb } from '@conflux/db';
import { enqueue } from '@conflux/queue';
import { recordEvent } from '../runs/record-event.ts';

/** The next occurrence of a cron expression in a time zone after a moment (the schedule connector's). */
export type NextRun = (cron: string, timezone: string, after: Date) => Date | null;

type FlowTrigger = {
  connector: string;
  trigger: string;
  props?: { cron?: string; timezone?: string };
  schedule?: { everyMinutes?: number; cron?: string; timezone?: string };
};

/** When a flow fires: the schedule connector's cron trigger, or a polling trigger's schedule (a sync). */
type FlowSchedule = { kind: 'tick' | 'sync'; cron?: string; everyMinutes?: number; timezone: string };

async function scheduledFlow(db: TenantDb, params: { tenantId: string; flowId: string }): Promise<FlowSchedule | null> {
  const flow = await db.flow.findFirst({
    where: { id: params.flowId, tenantId: params.tenantId },
    select: { enabled: true, publishedVersion: true, versions: { select: { version: true, definition: true }, orderBy: { version: 'desc' }, take: 1 } },
  });
  const published = flow?.versions.find((v) => v.version === flow.publishedVersion);
  const trigger = (published?.definition as { trigger?: FlowTrigger } | undefined)?.trigger;
  if (!flow?.enabled || !trigger) return null;
  if (trigger.connector === 'schedule' && trigger.props?.cron) return { kind: 'tick', cron: trigger.props.cron, timezone: trigger.props.timezone ?? 'UTC' };
  // Validation allows a schedule on polling triggers only.
  const s = trigger.schedule;
  if (s?.everyMinutes) return { kind: 'sync', everyMinutes: s.everyMinutes, timezone: 'UTC' };
  if (s?.cron) return { kind: 'sync', cron: s.cron, timezone: s.timezone ?? 'UTC' };
  return null;
}

/** Whether a flow definition fires on a clock (a cron trigger, or a polling trigger's schedule). */
export function firesOnSchedule(definition: { trigger: FlowTrigger }): boolean {
  return definition.trigger.connector === 'schedule' || definition.trigger.schedule !== undefined;
}

/** Asks the worker to (re)plan a flow's schedule; one pending tick per flow (the job key replaces it). */
export async function planSchedule(db: TenantDb, params: { tenantId: string; flowId: string }): Promise<void> {
  await enqueue(db, 'schedule-plan', params, { jobKey: `schedule:${params.flowId}` });
}

function nextOccurrence(schedule: FlowSchedule, after: Date, nextRun: NextRun): Date | null {
  if (schedule.everyMinutes) return new Date(after.getTime() + schedule.everyMinutes * 60_000);
  return schedule.cron ? nextRun(schedule.cron, schedule.timezone, after) : null;
}

/** Queues a sync pass of the flow; the job key folds it into one already queued (a running one makes it skip). */
export function queueSyncPass(db: TenantDb, params: { tenantId: string; flowId: string }, reason: 'schedule' | 'manual' = 'schedule') {
  return enqueue(db, 'sync-flow', { tenantId: params.tenantId, flowId: params.flowId, reason }, { jobKey: `sync:${params.flowId}`, maxAttempts: 5 });
}

/** Queues the next tick of a flow whose schedule is known. */
async function queueTickAfter(db: TenantDb, params: { tenantId: string; flowId: string; after: Date }, schedule: FlowSchedule, deps: { nextRun: NextRun }): Promise<Date | null> {
  const at = nextOccurrence(schedule, params.after, deps.nextRun);
  if (!at) return null;
  await enqueue(db, 'schedule-tick', { tenantId: params.tenantId, flowId: params.flowId, at: at.toISOString() }, { jobKey: `schedule:${params.flowId}`, runAt: at });
  return at;
}

/**
 * Plans a flow's schedule after publish or enable: its next tick, and for a sync flow a first pass now
 * (a tenant who just published a sync expects to see it work, not to wait for the first interval).
 */
export async function planFlowSchedule(db: TenantDb, params: { tenantId: string; flowId: string; after: Date }, deps: { nextRun: NextRun }): Promise<Date | null> {
  const schedule = await scheduledFlow(db, params);
  if (!schedule) return null;
  if (schedule.kind === 'sync') await queueSyncPass(db, params);
  return queueTickAfter(db, params, schedule, deps);
}

/** Queues the flow's next tick after `after`, or nothing when the flow is no longer a scheduled, enabled flow. */
export async function queueNextTick(db: TenantDb, params: { tenantId: string; flowId: string; after: Date }, deps: { nextRun: NextRun }): Promise<Date | null> {
  const schedule = await scheduledFlow(db, params);
  return schedule ? queueTickAfter(db, params, schedule, deps) : null;
}

/**
 * Fires one tick and queues the next, in one transaction. A cron flow records the event (its id is the
 * tick time, so a tick delivered twice runs once); a sync flow gets a sync pass queued (a pass already
 * running makes the new one skip).
 */
export async function fireScheduleTick(db: TenantDb, params: { tenantId: string; flowId: string; at: Date }, deps: { nextRun: NextRun }): Promise<{ runId: string | null }> {
  const schedule = await scheduledFlow(db, params);
  if (!schedule) return { runId: null };
  let runId: string | null = null;
  if (schedule.kind === 'sync') {
    await queueSyncPass(db, params);
  } else {
    const recorded = await recordEvent(db, {
      tenantId: params.tenantId,
      flowId: params.flowId,
      source: 'schedule',
      sourceEventId: `tick:${params.at.toISOString()}`,
      payload: { scheduledAt: params.at.toISOString(), timezone: schedule.timezone },
    });
    runId = recorded.runId;
  }
  await queueTickAfter(db, { ...params, after: params.at }, schedule, deps);
  return { runId };
}
