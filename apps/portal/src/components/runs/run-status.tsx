import { CheckCircle2, CircleDashed, Clock, Filter, Hourglass, Loader2, RotateCw, XCircle, Ban } from 'lucide-react';
import { Badge, type BadgeTone } from '@/components/ui/badge';

/** Statuses of a run. */
export const RUN_STATUSES = ['queued', 'running', 'retrying', 'quota_exceeded', 'succeeded', 'failed', 'filtered', 'cancelled'] as const;
/** A run status. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses of runs that are being worked on: their pages refresh on their own. */
export const ACTIVE_STATUSES = new Set<string>(['queued', 'running', 'retrying']);

/**
 * Runs waiting over the monthly quota: not finished, but not worth polling for either (they may wait until
 * the month turns). Not replayable: they have not run yet.
 */
export const WAITING_STATUSES = new Set<string>(['quota_exceeded']);

// Explanations only where a word is not enough; the obvious ones (running, succeeded, failed) are shared with
// steps and sync passes, where a run's sentence would be wrong.
const styles: Record<string, { label: string; tone: BadgeTone; icon: typeof Clock; spin?: boolean; explanation?: string }> = {
  queued: { label: 'Queued', tone: 'neutral', icon: Clock, explanation: 'Waiting for a worker; runs start in arrival order.' },
  running: { label: 'Running', tone: 'accent', icon: Loader2, spin: true },
  retrying: { label: 'Retrying', tone: 'warning', icon: RotateCw, explanation: 'A step failed for a reason that may pass (network, 429, 5xx); it is tried again automatically.' },
  quota_exceeded: {
    label: 'Quota exceeded',
    tone: 'warning',
    icon: Hourglass,
    explanation: 'This month’s runs of the plan are used: the run waits and starts when the month turns or when the plan is upgraded. Nothing is lost.',
  },
  succeeded: { label: 'Succeeded', tone: 'success', icon: CheckCircle2 },
  failed: { label: 'Failed', tone: 'danger', icon: XCircle },
  filtered: { label: 'Filtered', tone: 'neutral', icon: Filter, explanation: 'A filter step stopped the run on purpose.' },
  cancelled: { label: 'Cancelled', tone: 'neutral', icon: Ban },
  skipped: { label: 'Skipped', tone: 'neutral', icon: CircleDashed },
};

/** What a status is called in the UI. */
export function statusLabel(status: string): string {
  return styles[status]?.label ?? status;
}

/** What a status means, in a sentence (the badge's tooltip). */
export function statusExplanation(status: string): string | undefined {
  return styles[status]?.explanation;
}

/** A run's or a step's status as a coloured badge with an icon; hovering it says what the status means. */
export function StatusBadge({ status }: { status: string }) {
  const style = styles[status] ?? { label: status, tone: 'neutral' as const, icon: CircleDashed };
  const Icon = style.icon;
  return (
    <Badge tone={style.tone} title={style.explanation} icon={<Icon className={`size-3 ${style.spin ? 'animate-spin' : ''}`} aria-hidden="true" />}>
      {style.label}
    </Badge>
  );
}

/** "320 ms", "4.2 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000);
    const s = Math.round((ms % 60_000) / 1000);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m ? `${h} h ${m} min` : `${h} h`;
}
