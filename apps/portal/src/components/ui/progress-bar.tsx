import { cn } from '@/lib/cn';

export type ProgressTone = 'accent' | 'success' | 'warning' | 'danger';

const fills: Record<ProgressTone, string> = {
  accent: 'bg-indigo-500',
  success: 'bg-emerald-500',
  warning: 'bg-amber-500',
  danger: 'bg-red-500',
};

/**
 * A horizontal bar for a share of something: how far work has come (`role="progressbar"`, the default) or
 * how much of a limit is used (`kind="meter"`). `value` is a fraction from 0 to 1; null draws a sliding
 * segment, for work whose end is not known yet. `label` names it for screen readers; `valueText` says the
 * value in words ("812 of 1,000 runs").
 */
export function ProgressBar({
  value,
  label,
  valueText,
  kind = 'progressbar',
  tone = 'accent',
  className,
}: {
  value: number | null;
  label: string;
  valueText?: string;
  kind?: 'progressbar' | 'meter';
  tone?: ProgressTone;
  className?: string;
}) {
  const fraction = value === null ? null : Math.min(Math.max(value, 0), 1);
  return (
    <div
      role={kind}
      aria-label={label}
      aria-valuemin={fraction === null ? undefined : 0}
      aria-valuemax={fraction === null ? undefined : 100}
      aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      aria-valuetext={valueText}
      className={cn('relative h-2 w-full overflow-hidden rounded-full bg-zinc-100', className)}
    >
      {fraction === null ? (
        <div className={cn('absolute inset-y-0 left-0 w-2/5 animate-indeterminate rounded-full', fills[tone])} />
      ) : (
        <div className={cn('h-full rounded-full transition-[width] duration-500', fills[tone])} style={{ width: `${fraction * 100}%` }} />
      )}
    </div>
  );
}
