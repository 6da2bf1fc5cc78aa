import type { ReactNode } from 'react';
import { ProgressBar, type ProgressTone } from '@/components/ui/progress-bar';

/** How much of one plan limit is used (as usage.get returns it). */
export interface MeterValue {
  used: number;
  limit: number;
  headroom: number;
  percent: number;
}

/** "12,500". Limits are large round numbers; grouping makes them readable at a glance. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "Free", "$49 / month". Plans are priced in US dollars (cents in the plan table). */
export function formatPrice(cents: number): string {
  if (cents === 0) return 'Free';
  return `${(cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: cents % 100 ? 2 : 0 })} / month`;
}

/** Amber from 80 % so there is time to act; red once the limit is reached. */
export function meterTone(percent: number): ProgressTone {
  if (percent >= 100) return 'danger';
  if (percent >= 80) return 'warning';
  return 'accent';
}

/** One limit: its name, "used / limit", a bar coloured by how close the limit is, and a line under it. */
export function UsageMeter({ label, meter, unit, detail }: { label: string; meter: MeterValue; unit: string; detail?: ReactNode }) {
  const fraction = meter.limit > 0 ? meter.used / meter.limit : meter.used > 0 ? 1 : 0;
  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between gap-3 text-[13px]">
        <span className="font-medium text-zinc-700">{label}</span>
        <span className="text-zinc-500 tabular-nums">
          <span className="font-semibold text-zinc-900">{formatCount(meter.used)}</span> / {formatCount(meter.limit)}
        </span>
      </div>
      <ProgressBar
        kind="meter"
        value={fraction}
        tone={meterTone(meter.percent)}
        label={label}
        valueText={`${formatCount(meter.used)} of ${formatCount(meter.limit)} ${unit} (${meter.percent} %)`}
      />
      {detail ? <p className="text-xs text-zinc-500">{detail}</p> : null}
    </div>
  );
}
