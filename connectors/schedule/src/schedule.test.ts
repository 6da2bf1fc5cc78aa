import { describe, expect, it } from 'vitest';
import { connectorManifest } from '@conflux/connector-sdk';
import schedule, { cronProblem, isTimeZone, nextRuns } from './index.ts';

const props = schedule.triggers.cron!.props;
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('schedule connector: cron trigger', () => {
  it('accepts five-field expressions and a zone, defaulting to UTC', () => {
    expect(props.parse({ cron: ' 0 9 * * 1-5 ', timezone: 'Europe/Berlin' })).toEqual({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' });
    expect(props.parse({ cron: '*/15 * * * *' })).toEqual({ cron: '*/15 * * * *', timezone: 'UTC' });
  });

  it('refuses what is not five valid fields, with a readable reason', () => {
    expect(cronProblem('0 0 * * * *')).toMatch(/five fields.*got 6/);
    expect(cronProblem('@daily')).toMatch(/five fields/);
    expect(cronProblem('')).toMatch(/got none/);
    expect(cronProblem('61 * * * *')).toMatch(/Invalid value for minute/);
    const result = props.safeParse({ cron: '* * *', timezone: 'Europe/Berlin' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/five fields/);
  });

  it('refuses unknown time zones', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(props.safeParse({ cron: '0 9 * * *', timezone: 'CEST' }).success).toBe(false);
  });

  it('computes the next runs strictly after a moment, in the zone', () => {
    // Friday 2026-03-06 10:00 UTC: the next weekday 09:00 in Berlin (UTC+1) is Monday.
    expect(iso(nextRuns('0 9 * * 1-5', 'Europe/Berlin', new Date('2026-03-06T10:00:00Z'), 2))).toEqual(['2026-03-09T08:00:00.000Z', '2026-03-10T08:00:00.000Z']);
    expect(iso(nextRuns('0 9 * * *', 'UTC', new Date('2026-03-06T09:00:00Z'), 1))).toEqual(['2026-03-07T09:00:00.000Z']);
  });

  it('follows daylight saving time', () => {
    // Berlin moves to UTC+2 on 2026-03-29: 09:00 local is 08:00 UTC before and 07:00 UTC after.
    expect(iso(nextRuns('0 9 * * *', 'Europe/Berlin', new Date('2026-03-28T00:00:00Z'), 2))).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
    // 02:30 does not exist that night; the run happens at the first valid time after the gap.
    expect(iso(nextRuns('30 2 * * *', 'Europe/Berlin', new Date('2026-03-28T12:00:00Z'), 1))).toEqual(['2026-03-29T01:00:00.000Z']);
  });

  it('ORs day-of-month and day-of-week like classic cron', () => {
    expect(iso(nextRuns('0 0 1 * 1', 'UTC', new Date('2026-03-28T00:00:00Z'), 3))).toEqual(['2026-03-30T00:00:00.000Z', '2026-04-01T00:00:00.000Z', '2026-04-06T00:00:00.000Z']);
  });

  it('throws on bad input instead of guessing', () => {
    expect(() => nextRuns('0 9 * *', 'UTC', new Date(), 1)).toThrow(/five fields/);
    expect(() => nextRuns('0 9 * * *', 'Nowhere/Town', new Date(), 1)).toThrow(/Unknown time zone/);
  });

  it('has a manifest with described props and the tick as sample', () => {
    const [trigger] = connectorManifest(schedule).triggers;
    expect(trigger).toMatchObject({ key: 'cron', type: 'schedule', sample: { scheduledAt: expect.any(String), timezone: 'Europe/Berlin' } });
    expect(trigger?.props).toMatchObject({ properties: { cron: { description: expect.any(String) }, timezone: { default: 'UTC' } } });
  });
});
