'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { RefreshCw, RotateCcw } from 'lucide-react';
import type { AppRouter } from '@/server/root';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { StatusBadge } from '@/components/runs/run-status';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ProgressBar } from '@/components/ui/progress-bar';
import { useToast } from '@/components/ui/toast';
import { formatCount } from '@/components/usage/usage-meter';

type Outputs = inferRouterOutputs<AppRouter>;
/** A sync flow with its latest pass, as syncs.list returns it. */
export type SyncFlow = Outputs['syncs']['list'][number];
/** One sync pass, as syncs.passes returns it. */
export type SyncPass = Outputs['syncs']['passes'][number];

/** How long after "Sync now" the screen polls for the pass to appear (the worker picks it up in a moment). */
const REQUESTED_WINDOW_MS = 30_000;

/**
 * How often a sync screen refreshes: every 3 s while a pass reads (or was just asked for), every 10 s while
 * the runs of a pass are still being processed, and every 30 s otherwise, so that a pass the schedule
 * starts shows up without a reload.
 */
export function syncRefetchInterval(passes: (SyncPass | null | undefined)[], requestedAt: number | null): number {
  if (passes.some((p) => p?.status === 'running')) return 3_000;
  if (requestedAt !== null && Date.now() - requestedAt < REQUESTED_WINDOW_MS) return 3_000;
  if (passes.some((p) => p && p.waiting > 0)) return 10_000;
  return 30_000;
}

/** Running, succeeded or failed (the pass's status), or "Not synced yet". */
export function SyncStatusBadge({ pass }: { pass: SyncPass | null }) {
  if (!pass) return <Badge tone="neutral">Not synced yet</Badge>;
  return <StatusBadge status={pass.status} />;
}

/**
 * The progress of a pass: reading (records read of the source's total, when the source says it; else a
 * sliding bar with the count) while it runs, and processing (runs finished of the records that changed)
 * while its runs are still waiting or running. Nothing once all is done.
 */
export function SyncProgress({ pass }: { pass: SyncPass }) {
  const reading = pass.status === 'running';
  const done = pass.processed + pass.failed;
  const processing = pass.recordsChanged > 0 && (reading || pass.waiting > 0);
  if (!reading && !processing) return null;
  return (
    <div className="space-y-2">
      {reading ? (
        <div className="space-y-1">
          <p className="flex justify-between gap-2 text-xs text-zinc-600">
            <span>Reading</span>
            <span className="tabular-nums">
              {pass.totalEstimate ? `${formatCount(pass.recordsSeen)} of ~${formatCount(pass.totalEstimate)}` : `${formatCount(pass.recordsSeen)} records read`}
            </span>
          </p>
          <ProgressBar
            label="Reading progress"
            value={pass.totalEstimate ? pass.recordsSeen / pass.totalEstimate : null}
            valueText={pass.totalEstimate ? `${pass.recordsSeen} of about ${pass.totalEstimate} records read` : `${pass.recordsSeen} records read`}
          />
        </div>
      ) : null}
      {processing ? (
        <div className="space-y-1">
          <p className="flex justify-between gap-2 text-xs text-zinc-600">
            <span>Processing</span>
            <span className="tabular-nums">
              {formatCount(done)} of {formatCount(pass.recordsChanged)}
              {pass.failed ? <span className="text-red-700"> · {formatCount(pass.failed)} failed</span> : null}
            </span>
          </p>
          <ProgressBar
            label="Processing progress"
            tone={pass.failed ? 'warning' : 'success'}
            value={done / pass.recordsChanged}
            valueText={`${done} of ${pass.recordsChanged} changed records processed, ${pass.failed} failed`}
          />
        </div>
      ) : null}
    </div>
  );
}

/** "Sync now": queues a pass of the flow; disabled while one runs or while the flow is off. */
export function SyncNowButton({ flow, onRequested, size = 'sm' }: { flow: Pick<SyncFlow, 'flowId' | 'flowName' | 'enabled' | 'running'>; onRequested: () => void; size?: 'sm' | 'md' }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const sync = useMutation(
    trpc.syncs.syncNow.mutationOptions({
      onSuccess: async () => {
        toast.show(`Sync of “${flow.flowName}” queued: it starts in a moment.`);
        onRequested();
        await queryClient.invalidateQueries({ queryKey: trpc.syncs.pathKey() });
      },
      onError: (error) => toast.show(errorMessage(error), 'error'),
    }),
  );
  const why = flow.running ? 'A pass is running; wait for it to finish.' : !flow.enabled ? 'Enable the flow to sync it.' : undefined;
  return (
    <Button
      variant="secondary"
      size={size}
      title={why}
      disabled={flow.running || !flow.enabled}
      loading={sync.isPending}
      onClick={() => sync.mutate({ flowId: flow.flowId })}
      icon={<RefreshCw className="size-3.5" aria-hidden="true" />}
    >
      Sync now
    </Button>
  );
}

/**
 * "Reset cursor": the next pass reads the source from the start. Confirmed first, with what it does and
 * does not do (records seen unchanged start no run again). Disabled while a pass runs.
 */
export function ResetCursorButton({ flow }: { flow: Pick<SyncFlow, 'flowId' | 'flowName' | 'running' | 'cursor'> }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const reset = useMutation(
    trpc.syncs.resetCursor.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        toast.show(`The next pass of “${flow.flowName}” reads the source from the start.`);
        await queryClient.invalidateQueries({ queryKey: trpc.syncs.pathKey() });
      },
    }),
  );
  const why = flow.running ? 'A pass is running; wait for it to finish.' : flow.cursor === null ? 'The next pass reads from the start already.' : undefined;
  return (
    <>
      <Button
        variant="secondary"
        size="md"
        title={why}
        disabled={flow.running || flow.cursor === null}
        onClick={() => {
          reset.reset();
          setOpen(true);
        }}
        icon={<RotateCcw className="size-3.5" aria-hidden="true" />}
      >
        Reset cursor
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={() => reset.mutate({ flowId: flow.flowId })}
        title="Read the whole source again?"
        description={`The next pass of “${flow.flowName}” reads every record from the start instead of going on from where the last pass stopped. Records that did not change since they were last seen start no run; new and changed ones do. Large sources take a while to read again.`}
        confirmLabel="Reset cursor"
        pending={reset.isPending}
        error={reset.error ? errorMessage(reset.error) : null}
      />
    </>
  );
}
