'use client';
import { useState, type ReactNode } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, ChevronRight, History, Play, RotateCcw } from 'lucide-react';
import { cn } from '@/lib/cn';
import { appCodeOf, errorMessage } from '@/lib/errors';
import { formatDateTime, timeAgo } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { JsonViewer } from './json-viewer';
import { ACTIVE_STATUSES, StatusBadge, WAITING_STATUSES, formatDuration } from './run-status';

type ReplayFrom = 'failed_step' | 'trigger';

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="truncate text-[13px] font-medium text-zinc-900">{children}</dd>
    </div>
  );
}

/** The preview of a replay inside its confirmation: which steps run again, which are kept. */
function ReplayPreview({ runId, from }: { runId: string; from: ReplayFrom }) {
  const trpc = useTRPC();
  const preview = useQuery(trpc.runs.replayPreview.queryOptions({ runId, from }));
  if (preview.isPending) return <Skeleton className="h-16 w-full" />;
  if (preview.error) return <Notice tone="error">The preview could not be loaded: {errorMessage(preview.error)}</Notice>;
  const { rerun, kept, version } = preview.data;
  return (
    <div className="space-y-3 text-[13px]" data-testid="replay-preview">
      <p className="text-zinc-600">
        Runs on <span className="font-medium text-zinc-900">version {version}</span>.
      </p>
      <div>
        <p className="mb-1 font-medium text-zinc-900">Will run again</p>
        {rerun.length ? (
          <ul className="flex flex-wrap gap-1.5">
            {rerun.map((k) => (
              <li key={k} className="rounded-md bg-indigo-50 px-1.5 py-0.5 font-mono text-xs text-indigo-800 ring-1 ring-indigo-200 ring-inset">
                {k}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-zinc-500">No steps.</p>
        )}
      </div>
      {kept.length ? (
        <div>
          <p className="mb-1 font-medium text-zinc-900">Kept from this run (not called again)</p>
          <ul className="flex flex-wrap gap-1.5">
            {kept.map((k) => (
              <li key={k} className="rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700 ring-1 ring-zinc-200 ring-inset">
                {k}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** /runs/[id]: a run's status, its step timeline with inputs, outputs and errors, the event, and replay. */
export function RunDetail({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const queryClient = useQueryClient();
  const run = useQuery({
    ...trpc.runs.get.queryOptions({ runId }),
    // Live while something is happening.
    refetchInterval: (query) => (query.state.data && ACTIVE_STATUSES.has(query.state.data.status) ? 2000 : false),
  });
  const [replayFrom, setReplayFrom] = useState<ReplayFrom | null>(null);
  const replay = useMutation(
    trpc.runs.replay.mutationOptions({
      onSuccess: async (result, input) => {
        setReplayFrom(null);
        await queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() });
        if (result.runId !== runId) {
          toast.show('Replaying from the trigger as a new run.');
          router.push(`/runs/${result.runId}`);
        } else {
          toast.show(input.from === 'failed_step' ? 'Resuming from the failed step.' : 'Replaying.');
          await queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId }) });
        }
      },
    }),
  );

  const back = (
    <Link href="/runs" className="inline-flex items-center gap-1 text-[13px] font-medium text-zinc-500 hover:text-zinc-800">
      <ArrowLeft className="size-3.5" aria-hidden="true" />
      Runs
    </Link>
  );

  if (run.error) {
    const notFound = appCodeOf(run.error) === 'RUN_NOT_FOUND' || run.error.data?.code === 'BAD_REQUEST';
    return (
      <div className="space-y-4">
        {back}
        <Notice
          tone="error"
          title={notFound ? 'This run does not exist' : 'The run could not be loaded'}
          action={
            notFound ? null : (
              <Button size="sm" variant="secondary" onClick={() => void run.refetch()}>
                Try again
              </Button>
            )
          }
        >
          {notFound ? 'It may have been deleted with its flow, or it belongs to another workspace.' : errorMessage(run.error)}
        </Notice>
      </div>
    );
  }
  if (!run.data) {
    return (
      <div className="space-y-5" aria-busy="true" aria-label="Loading the run">
        {back}
        <Skeleton className="h-8 w-72" />
        <Skeleton className="h-24 w-full rounded-xl" />
        <Skeleton className="h-64 w-full rounded-xl" />
      </div>
    );
  }

  const r = run.data;
  const error = r.error as { stepKey?: string; code?: string; message?: string } | null;
  const resumable = r.status === 'failed' || r.status === 'cancelled';
  const duration = r.finishedAt ? r.finishedAt.getTime() - r.createdAt.getTime() : null;

  return (
    <div className="space-y-6">
      {back}
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 space-y-1.5">
          <div className="flex flex-wrap items-center gap-2.5">
            <h1 className="truncate text-2xl font-semibold tracking-tight text-zinc-900">
              <Link href={`/flows/${r.flowId}`} className="hover:text-indigo-700">
                {r.flowName}
              </Link>
            </h1>
            <StatusBadge status={r.status} />
          </div>
          <p className="font-mono text-xs text-zinc-500">Run {r.id}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          {resumable ? (
            <Button onClick={() => setReplayFrom('failed_step')} icon={<RotateCcw className="size-4" aria-hidden="true" />}>
              Replay from failed step
            </Button>
          ) : null}
          {!ACTIVE_STATUSES.has(r.status) && !WAITING_STATUSES.has(r.status) ? (
            <Button variant="secondary" onClick={() => setReplayFrom('trigger')} icon={<Play className="size-4" aria-hidden="true" />}>
              Replay from trigger on latest version
            </Button>
          ) : null}
        </div>
      </header>

      <Card>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 px-5 py-4 sm:grid-cols-3 lg:grid-cols-6">
          <Meta label="Started">
            <time dateTime={r.createdAt.toISOString()} title={formatDateTime(r.createdAt)}>
              {timeAgo(r.createdAt)}
            </time>
          </Meta>
          <Meta label="Duration">{duration !== null ? formatDuration(duration) : ACTIVE_STATUSES.has(r.status) ? 'In progress' : WAITING_STATUSES.has(r.status) ? 'Not started' : '—'}</Meta>
          <Meta label="Version">v{r.version}</Meta>
          <Meta label="Attempts">{r.attempt}</Meta>
          <Meta label="Business key">{r.businessKey ?? '—'}</Meta>
          <Meta label="Source">{r.event.source}</Meta>
        </dl>
        {r.replayOfId ? (
          <p className="flex items-center gap-1.5 border-t border-zinc-100 px-5 py-2.5 text-[13px] text-zinc-600">
            <History className="size-3.5 text-zinc-400" aria-hidden="true" />
            Replay of{' '}
            <Link href={`/runs/${r.replayOfId}`} className="font-mono text-xs text-indigo-600 hover:text-indigo-500">
              {r.replayOfId}
            </Link>
          </p>
        ) : null}
      </Card>

      {error?.message && r.status === 'failed' ? (
        <Notice tone="error" title={`Failed at step ${error.stepKey ?? '?'}`}>
          <p>{error.message}</p>
          {error.code ? <p className="mt-1 font-mono text-xs opacity-70">{error.code}</p> : null}
          <p className="mt-1.5">Fix the cause (the target system, the connection or the flow), then replay from the failed step: steps that succeeded are not called again.</p>
        </Notice>
      ) : null}
      {r.status === 'quota_exceeded' ? (
        <Notice
          tone="warning"
          title="Waiting for the monthly run quota"
          action={
            <Link href="/usage" className="font-medium underline underline-offset-2 hover:no-underline">
              See usage and plans
            </Link>
          }
        >
          This month’s runs of the workspace’s plan are used, so this run has not started. Its event is stored; it starts
          when the month turns or when the plan is upgraded.
        </Notice>
      ) : null}
      {r.status === 'retrying' ? (
        <Notice tone="warning" title={`Attempt ${r.attempt} failed${error?.stepKey ? ` at step ${error.stepKey}` : ''}; retrying automatically`}>
          <p>{error?.message}</p>
          {r.nextAttemptAt ? <p className="mt-1">Next attempt {timeAgo(r.nextAttemptAt)} ({formatDateTime(r.nextAttemptAt)}).</p> : null}
        </Notice>
      ) : null}

      <Card>
        <CardHeader title="Steps" description={r.steps.length ? 'In the order they ran. Open a step for its input, output and error.' : undefined} />
        {r.steps.length === 0 ? (
          <p className="px-5 py-6 text-center text-[13px] text-zinc-500">{ACTIVE_STATUSES.has(r.status) || WAITING_STATUSES.has(r.status) ? 'No step has started yet.' : 'No step ran.'}</p>
        ) : (
          <ol className="divide-y divide-zinc-100" aria-label="Step timeline">
            {r.steps.map((step, index) => (
              <StepRow key={step.stepKey} step={step} index={index} defaultOpen={step.status === 'failed'} />
            ))}
          </ol>
        )}
      </Card>

      <Card>
        <CardHeader title="Event" description={`Received ${formatDateTime(r.event.receivedAt)}${r.event.sourceEventId ? ` · id ${r.event.sourceEventId}` : ''}`} />
        <div className="px-5 py-4">
          <JsonViewer value={r.event.payload} label="Event payload" />
        </div>
      </Card>

      <ConfirmDialog
        open={replayFrom !== null}
        onClose={() => {
          setReplayFrom(null);
          replay.reset();
        }}
        onConfirm={() => replayFrom && replay.mutate({ runId: r.id, from: replayFrom })}
        pending={replay.isPending}
        error={replay.error ? errorMessage(replay.error) : null}
        tone="primary"
        title={replayFrom === 'failed_step' ? 'Replay from the failed step?' : 'Replay from the trigger on the latest version?'}
        description={
          <>
            <p className="mb-3">
              {replayFrom === 'failed_step'
                ? 'This run resumes with its original data. Calls carry the same idempotency keys, so a system that already received one does not apply it twice.'
                : 'A new run of the same event starts on the version published now. Steps keep the original run’s idempotency keys.'}
            </p>
            {replayFrom ? <ReplayPreview runId={r.id} from={replayFrom} /> : null}
          </>
        }
        confirmLabel={replayFrom === 'failed_step' ? 'Replay from failed step' : 'Replay from trigger'}
      />
    </div>
  );
}

interface StepView {
  stepKey: string;
  kind: string;
  status: string;
  attempt: number;
  input: unknown;
  output: unknown;
  error: unknown;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

function StepRow({ step, index, defaultOpen }: { step: StepView; index: number; defaultOpen: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const error = step.error as { message?: string; code?: string } | null;
  const panelId = `step-${step.stepKey}`;
  return (
    <li data-testid="run-step">
      <button type="button" onClick={() => setOpen((v) => !v)} aria-expanded={open} aria-controls={panelId} className="flex w-full items-center gap-3 px-5 py-3 text-left hover:bg-zinc-50">
        <span className="flex size-6 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-[11px] font-semibold text-zinc-600 tabular-nums">{index + 1}</span>
        <span className="min-w-0 flex-1">
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-[13px] font-medium text-zinc-900">{step.stepKey}</span>
            <span className="text-xs text-zinc-500 capitalize">{step.kind}</span>
          </span>
          {error?.message ? <span className="mt-0.5 block truncate text-xs text-red-700">{error.message}</span> : null}
        </span>
        <span className="hidden text-xs text-zinc-500 sm:inline">attempt {step.attempt}</span>
        <span className="w-16 text-right text-xs text-zinc-500 tabular-nums">{formatDuration(step.durationMs)}</span>
        <StatusBadge status={step.status} />
        <ChevronRight className={cn('size-4 shrink-0 text-zinc-400 transition-transform', open && 'rotate-90')} aria-hidden="true" />
      </button>
      {open ? (
        <div id={panelId} className="grid gap-4 border-t border-zinc-100 bg-zinc-50/40 px-5 py-4 lg:grid-cols-2">
          <p className="text-xs text-zinc-500 lg:col-span-2">
            Started {formatDateTime(step.startedAt)}
            {step.finishedAt ? ` · finished ${formatDateTime(step.finishedAt)}` : ''}
          </p>
          {step.input !== null && step.input !== undefined ? (
            <div className="min-w-0 space-y-1.5">
              <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Input</h4>
              <JsonViewer value={step.input} label={`Input of ${step.stepKey}`} />
            </div>
          ) : null}
          {step.status === 'succeeded' ? (
            <div className="min-w-0 space-y-1.5">
              <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Output</h4>
              <JsonViewer value={step.output} label={`Output of ${step.stepKey}`} />
            </div>
          ) : null}
          {step.error ? (
            <div className="min-w-0 space-y-1.5">
              <h4 className="text-xs font-medium tracking-wide text-red-600 uppercase">Error</h4>
              <JsonViewer value={step.error} label={`Error of ${step.stepKey}`} />
            </div>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
