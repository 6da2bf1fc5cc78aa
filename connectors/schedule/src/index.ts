/**
 * The schedule connector: a `cron` trigger that starts a flow at the times of a cron expression in a
 * time zone. The worker computes the ticks with `nextRuns`; this package only describes and validates.
 */
import { defineConnector, defineTrigger, z } from '@conflux/connector-sdk';
import { cronProblem, isTimeZone } from './cron.ts';

export { cronProblem, isTimeZone, nextRuns } from './cron.ts';

const cronProps = z.object({
  cron: z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = cronProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('Five-field cron expression: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5" for 09:00 on weekdays.'),
  timezone: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, 'Use an IANA time zone such as Europe/Berlin or America/New_York')
    .describe('IANA time zone the expression is read in, e.g. Europe/Berlin; daylight-saving changes are followed.'),
});

/** The props of the `cron` trigger after parsing. */
export type CronProps = z.output<typeof cronProps>;

/** What a scheduled run starts with: the tick it is for, and the zone the expression was read in. */
export interface ScheduleTick {
  /** ISO 8601 instant in UTC. */
  scheduledAt: string;
  timezone: string;
}

const cron = defineTrigger({
  type: 'schedule',
  name: 'On a schedule',
  description: 'Starts the flow at the times of a cron expression, in a time zone of your choice.',
  props: cronProps,
  sample: { scheduledAt: '2026-03-02T08:00:00.000Z', timezone: 'Europe/Berlin' } satisfies ScheduleTick,
});

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"><circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/></svg>';

export default defineConnector({
  id: 'schedule',
  name: 'Schedule',
  version: '0.1.0',
  description: 'Run a flow every few minutes, daily, on weekdays — any cron schedule, in any time zone.',
  categories: ['core'],
  icon,
  auth: [{ kind: 'none' }],
  egress: { hosts: [] },
  actions: {},
  triggers: { cron },
});
