import type { TenantDb } from '@conflux/db';
import { enqueue } from '@conflux/queue';
import { recordEvent } from '../runs/record-event.ts';

/** The next occurrence of a cron expression in a time zone after a moment (the schedule connector's). */
export type NextRun = (cron: string, timezone: string, after: Date) => Date | null;

type ScheduleTrigger = { connector: string; trigger: string; props?: { cron?: string; timezone?: string } };

async function scheduledFlow(db: TenantDb, params: { tenantId: string; flowId: string }) {
  const flow = await db.flow.findFirst({
    where: { id: params.flowId, tenantId: params.tenantId },
    select: { enabled: true, publishedVersion: true, versions: { select: { version: true, definition: true }, orderBy: { version: 'desc' }, take: 1 } },
  });
  const published = flow?.versions.find((v) => v.version === flow.publishedVersion);
  const trigger = (published?.definition as { trigger?: ScheduleTrigger } | undefined)?.trigger;
  if (!flow?.enabled || !trigger || trigger.connector !== 'schedule' || !trigger.props?.cron) return null;
  return { cron: trigger.props.cron, timezone: trigger.props.timezone ?? 'UTC' };
}

/** Asks the worker to (re)plan a flow's schedule; one pending tick per flow (the job key replaces it). */
export async function planSchedule(db: TenantDb, params: { tenantId: string; flowId: string }): Promise<void> {
  await enqueue(db, 'schedule-plan', params, { jobKey: `schedule:${params.flowId}` });
}

/** Queues the flow's next tick after `after`, or nothing when the flow is no longer a scheduled, enabled flow. */
export async function queueNextTick(db: TenantDb, params: { tenantId: string; flowId: string; after: Date }, deps: { nextRun: NextRun }): Promise<Date | null> {
  const schedule = await scheduledFlow(db, params);
  if (!schedule) return null;
  const at = deps.nextRun(schedule.cron, schedule.timezone, params.after);
  if (!at) return null;
  await enqueue(db, 'schedule-tick', { tenantId: params.tenantId, flowId: params.flowId, at: at.toISOString() }, { jobKey: `schedule:${params.flowId}`, runAt: at });
  return at;
}

/**
 * Fires one tick: records the event (its id is the tick time, so a tick delivered twice runs once) and
 * queues the next tick, in one transaction.
 */
export async function fireScheduleTick(db: TenantDb, params: { tenantId: string; flowId: string; at: Date }, deps: { nextRun: NextRun }): Promise<{ runId: string | null }> {
  const schedule = await scheduledFlow(db, params);
  if (!schedule) return { runId: null };
  const recorded = await recordEvent(db, {
    tenantId: params.tenantId,
    flowId: params.flowId,
    source: 'schedule',
    sourceEventId: `tick:${params.at.toISOString()}`,
    payload: { scheduledAt: params.at.toISOString(), timezone: schedule.timezone },
  });
  await queueNextTick(db, { ...params, after: params.at }, deps);
  return { runId: recorded.runId };
}
