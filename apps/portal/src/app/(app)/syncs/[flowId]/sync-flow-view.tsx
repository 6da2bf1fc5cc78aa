'use client';
import { useState } from 'react';
import Link from 'next/link';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ArrowLeft, RefreshCw } from 'lucide-react';
import { cn } from '@/lib/cn';
import { errorMessage } from '@/lib/errors';
import { formatDateTime, timeAgo } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { formatDuration } from '@/components/runs/run-status';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { formatCount } from '@/components/usage/usage-meter';
import { ResetCursorButton, SyncNowButton, SyncProgress, SyncStatusBadge, syncRefetchInterval, type SyncPass } from '@/components/syncs/sync-parts';

const PAGE = 20;

/** /syncs/[flowId]: one sync flow's passes, newest first, with the running one's progress. */
export function SyncFlowView({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const [limit, setLimit] = useState(PAGE);
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  // The flow's state (name, enabled, running) comes with the list of sync flows; the passes on their own.
  const flows = useQuery({
    ...trpc.syncs.list.queryOptions(),
    refetchInterval: (query) => syncRefetchInterval((query.state.data ?? []).filter((f) => f.flowId === flowId).map((f) => f.lastSync), requestedAt),
  });
  const passes = useQuery({
    ...trpc.syncs.passes.queryOptions({ flowId, limit }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => syncRefetchInterval((query.state.data ?? []).slice(0, 1), requestedAt),
  });
  const flow = flows.data?.find((f) => f.flowId === flowId);
  const back = (
    <Link href="/syncs" className="inline-flex items-center gap-1.5 text-[13px] font-medium text-zinc-600 hover:text-zinc-900">
      <ArrowLeft className="size-3.5" aria-hidden="true" />
      Syncs
    </Link>
  );

  if (passes.error) {
    return (
      <div className="space-y-6">
        {back}
        <Notice tone="error" title="This sync could not be loaded">
          {errorMessage(passes.error)}
        </Notice>
      </div>
    );
  }
  const latest = passes.data?.[0] ?? null;
  // A flow of the workspace that never synced has neither a state nor a pass: it still gets a title.
  const name = flow?.flowName ?? latest?.flowName ?? (flows.data && passes.data ? 'Sync flow' : null);

  return (
    <div className="space-y-6">
      {back}
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 space-y-1.5">
          <div className="flex flex-wrap items-center gap-2.5">
            {name ? <h1 className="truncate text-2xl font-semibold tracking-tight text-zinc-900">{name}</h1> : <Skeleton className="h-8 w-56" />}
            {passes.data ? <SyncStatusBadge pass={latest} /> : null}
            {flow && !flow.enabled ? <Badge tone="neutral">Disabled</Badge> : null}
          </div>
          <p className="text-[13px] text-zinc-600">
            <Link href={`/flows/${flowId}`} className="font-medium text-indigo-600 hover:text-indigo-500">
              Open the flow
            </Link>
            {' · '}
            <Link href={`/runs?flowId=${flowId}`} className="font-medium text-indigo-600 hover:text-indigo-500">
              See its runs
            </Link>
            {flow?.skippedTicks ? (
              <span className="text-zinc-500"> · {formatCount(flow.skippedTicks)} scheduled passes skipped because one was still running</span>
            ) : null}
          </p>
        </div>
        {flow ? (
          <div className="flex flex-wrap gap-2">
            <ResetCursorButton flow={flow} />
            <SyncNowButton flow={flow} size="md" onRequested={() => setRequestedAt(Date.now())} />
          </div>
        ) : null}
      </header>
      {flow ? (
        <p className="text-[13px] text-zinc-600" data-testid="sync-cursor">
          Next pass reads from:{' '}
          {flow.cursor === null ? (
            <span className="font-medium text-zinc-800">the start of the source</span>
          ) : (
            <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs break-all text-zinc-800">{flow.cursor}</code>
          )}
        </p>
      ) : null}

      {latest?.status === 'failed' && latest.error ? (
        <Notice tone="error" title="The last pass failed">
          <p>{latest.error.message}</p>
          <p className="mt-1">The next pass starts from where this one stopped: records already read are not read again.</p>
        </Notice>
      ) : null}
      {latest && (latest.status === 'running' || latest.waiting > 0) ? (
        <Card className="px-5 py-4">
          <SyncProgress pass={latest} />
        </Card>
      ) : null}

      <Card className="overflow-hidden">
        <CardHeader title="Passes" description="Each pass reads the source from the last pass’s cursor; every new or changed record starts one run." />
        {!passes.data ? (
          <div className="space-y-2 p-5" aria-busy="true" aria-label="Loading passes">
            <Skeleton className="h-8 w-full" />
            <Skeleton className="h-8 w-full" />
          </div>
        ) : passes.data.length === 0 ? (
          <EmptyState icon={<RefreshCw />} title="No pass yet" description="The first pass starts on the trigger’s schedule, or now with “Sync now”." />
        ) : (
          <PassesTable passes={passes.data} dimmed={passes.isPlaceholderData} />
        )}
        {passes.data && passes.data.length >= limit && limit < 100 ? (
          <div className="border-t border-zinc-100 px-5 py-3 text-center">
            <Button variant="secondary" size="sm" loading={passes.isFetching} onClick={() => setLimit((l) => Math.min(l + PAGE, 100))}>
              Show older passes
            </Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}

function PassesTable({ passes, dimmed }: { passes: SyncPass[]; dimmed: boolean }) {
  return (
    <table className={cn('w-full text-left text-[13px]', dimmed && 'opacity-60')}>
      <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs text-zinc-500">
        <tr>
          <th scope="col" className="px-5 py-2 font-medium">
            Started
          </th>
          <th scope="col" className="px-3 py-2 font-medium">
            Status
          </th>
          <th scope="col" className="hidden px-3 py-2 text-right font-medium sm:table-cell">
            Duration
          </th>
          <th scope="col" className="px-3 py-2 text-right font-medium">
            Seen
          </th>
          <th scope="col" className="px-3 py-2 text-right font-medium">
            Changed
          </th>
          <th scope="col" className="hidden px-5 py-2 text-right font-medium md:table-cell">
            Runs done / failed / waiting
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {passes.map((pass) => (
          <tr key={pass.id} className="align-top" data-testid="sync-pass">
            <td className="px-5 py-2.5 whitespace-nowrap text-zinc-700">
              <time dateTime={pass.startedAt} title={formatDateTime(new Date(pass.startedAt))}>
                {timeAgo(new Date(pass.startedAt))}
              </time>
              <span className="block text-xs text-zinc-500">{pass.reason === 'manual' ? 'Sync now' : 'Scheduled'}</span>
            </td>
            <td className="px-3 py-2.5">
              <SyncStatusBadge pass={pass} />
              {pass.error ? (
                <p className="mt-1 line-clamp-2 text-xs text-red-700" title={pass.error.message}>
                  {pass.error.message}
                </p>
              ) : null}
            </td>
            <td className="hidden px-3 py-2.5 text-right whitespace-nowrap text-zinc-600 tabular-nums sm:table-cell">
              {pass.finishedAt ? formatDuration(new Date(pass.finishedAt).getTime() - new Date(pass.startedAt).getTime()) : '…'}
            </td>
            <td className="px-3 py-2.5 text-right text-zinc-600 tabular-nums">
              {formatCount(pass.recordsSeen)}
              {pass.totalEstimate ? <span className="text-zinc-400"> / ~{formatCount(pass.totalEstimate)}</span> : null}
            </td>
            <td className="px-3 py-2.5 text-right text-zinc-600 tabular-nums">{formatCount(pass.recordsChanged)}</td>
            <td className="hidden px-5 py-2.5 text-right text-zinc-600 tabular-nums md:table-cell">
              {formatCount(pass.processed)} / <span className={pass.failed ? 'text-red-700' : undefined}>{formatCount(pass.failed)}</span> / {formatCount(pass.waiting)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
