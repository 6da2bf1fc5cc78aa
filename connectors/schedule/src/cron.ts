/**
 * Cron expressions and time zones for the schedule trigger, shared by the portal's validation (through the
 * props schema) and the worker, which asks `nextRuns` when the next tick is due.
 *
 * The arithmetic is croner's: it has no dependencies, computes in IANA time zones through the runtime's
 * Intl (no bundled tz data to go stale), handles daylight-saving gaps and repeats (a fixed-time job in a gap
 * runs at the first valid time after it, and once when an hour repeats), keeps Vixie cron's OR of day-of-
 * month and day-of-week, and can be held to exactly five fields. cron-parser, the other well-kept choice,
 * pulls in luxon for the same job.
 */
import { Cron } from 'croner';

// Intl lists canonical zone names; UTC is the one everybody types that it leaves out.
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);

/** Whether `timezone` is an IANA zone name this runtime knows. */
export function isTimeZone(timezone: string): boolean {
  return TIME_ZONES.has(timezone);
}

function schedule(cron: string, timezone: string): Cron {
  // Without a callback croner starts no timer: this object only computes dates.
  return new Cron(cron.trim(), { mode: '5-part', timezone, paused: true });
}

/** Why `cron` is not a five-field cron expression, or undefined when it is one. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') {
    return `A cron expression has five fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5"; got ${fields[0] === '' ? 'none' : fields.length}.`;
  }
  try {
    schedule(cron, 'UTC');
    return undefined;
  } catch (error) {
    return `Invalid cron expression: ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
}

/** The next `count` run times of `cron` in `timezone`, strictly after `from`. */
export function nextRuns(cron: string, timezone: string, from: Date, count: number): Date[] {
  const problem = cronProblem(cron);
  if (problem) throw new Error(problem);
  if (!isTimeZone(timezone)) throw new Error(`Unknown time zone "${timezone}"`);
  return schedule(cron, timezone).nextRuns(count, from);
}
