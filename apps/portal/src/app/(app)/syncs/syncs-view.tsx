'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { formatDateTime, timeAgo } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { formatCount } from '@/components/usage/usage-meter';
import { SyncNowButton, SyncProgress, SyncStatusBadge, syncRefetchInterval, type SyncFlow } from '@/components/syncs/sync-parts';
import { LoadError } from '@/components/load-error';

/** /syncs: every flow with a polling trigger, its latest pass and its progress, with "Sync now". */
export function SyncsView() {
  const trpc = useTRPC();
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  const flows = useQuery({
    ...trpc.syncs.list.queryOptions(),
    refetchInterval: (query) => syncRefetchInterval((query.state.data ?? []).map((f) => f.lastSync), requestedAt),
  });

  return (
    <>
      <PageHeader
        title="Syncs"
        description="Flows that read a system page by page and start one run for each new or changed record."
      />
      {flows.error ? (
        <LoadError title="Syncs could not be loaded" query={flows} />
      ) : (
        <Card className="overflow-hidden">
          {flows.isPending ? (
            <div className="divide-y divide-zinc-100" aria-busy="true" aria-label="Loading syncs">
              {[0, 1, 2].map((i) => (
                <div key={i} className="flex items-center gap-4 px-5 py-4">
                  <Skeleton className="h-4 flex-1" />
                  <Skeleton className="h-5 w-20" />
                  <Skeleton className="h-8 w-24" />
                </div>
              ))}
            </div>
          ) : flows.data.length === 0 ? (
            <NoSyncs />
          ) : (
            <table className="w-full table-fixed text-left text-[13px]">
              <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs text-zinc-500">
                <tr>
                  <th scope="col" className="px-5 py-2 font-medium">
                    Flow
                  </th>
                  <th scope="col" className="w-56 px-3 py-2 font-medium">
                    Status
                  </th>
                  <th scope="col" className="hidden w-32 px-3 py-2 font-medium md:table-cell">
                    Last pass
                  </th>
                  <th scope="col" className="hidden w-32 px-3 py-2 text-right font-medium sm:table-cell">
                    Seen / changed
                  </th>
                  <th scope="col" className="w-36 px-5 py-2 text-right font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {flows.data.map((flow) => (
                  <SyncRow key={flow.flowId} flow={flow} onRequested={() => setRequestedAt(Date.now())} />
                ))}
              </tbody>
            </table>
          )}
        </Card>
      )}
    </>
  );
}

function SyncRow({ flow, onRequested }: { flow: SyncFlow; onRequested: () => void }) {
  const pass = flow.lastSync;
  return (
    <tr className="align-top hover:bg-zinc-50/60" data-testid="sync-row">
      <td className="px-5 py-3">
        <Link href={`/syncs/${flow.flowId}`} className="font-medium text-zinc-900 hover:text-indigo-700">
          {flow.flowName}
        </Link>
        <div className="mt-0.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
          {!flow.enabled ? <Badge tone="neutral">Disabled</Badge> : null}
          <Link href={`/runs?flowId=${flow.flowId}`} className="font-medium text-indigo-600 hover:text-indigo-500">
            Runs
          </Link>
          <Link href={`/syncs/${flow.flowId}`} className="font-medium text-indigo-600 hover:text-indigo-500">
            Passes
          </Link>
        </div>
      </td>
      <td className="px-3 py-3">
        <div className="space-y-2">
          <SyncStatusBadge pass={pass} />
          {pass?.status === 'failed' && pass.error ? (
            <p className="line-clamp-2 text-xs text-red-700" title={pass.error.message}>
              {pass.error.message}
            </p>
          ) : null}
          {pass ? <SyncProgress pass={pass} /> : null}
        </div>
      </td>
      <td className="hidden px-3 py-3 whitespace-nowrap text-zinc-600 md:table-cell">
        {pass ? (
          <time dateTime={pass.startedAt} title={formatDateTime(new Date(pass.startedAt))}>
            {timeAgo(new Date(pass.startedAt))}
          </time>
        ) : (
          '—'
        )}
        {pass?.reason === 'manual' ? <span className="block text-xs text-zinc-500">Sync now</span> : null}
      </td>
      <td className="hidden px-3 py-3 text-right text-zinc-600 tabular-nums sm:table-cell">
        {pass ? `${formatCount(pass.recordsSeen)} / ${formatCount(pass.recordsChanged)}` : '—'}
      </td>
      <td className="px-5 py-3 text-right">
        <SyncNowButton flow={flow} onRequested={onRequested} />
      </td>
    </tr>
  );
}

/** What a sync flow is, and where to make one. */
function NoSyncs() {
  return (
    <EmptyState
      icon={<RefreshCw />}
      title="No sync flows yet"
      description={
        <>
          A sync flow starts from a polling trigger — such as <strong className="font-medium text-zinc-700">PostgreSQL → New or updated rows</strong> or{' '}
          <strong className="font-medium text-zinc-700">HTTP → Poll a list endpoint</strong>. On its schedule it reads the source page by page and starts one run for
          each record that is new or changed since the last pass. Create such a flow, publish and enable it: its passes show here.
        </>
      }
      action={
        <div className="flex flex-wrap justify-center gap-4 text-[13px] font-medium">
          <Link href="/flows" className="text-indigo-600 hover:text-indigo-500">
            Create a flow
          </Link>
          <Link href="/catalog/postgres" className="text-indigo-600 hover:text-indigo-500">
            PostgreSQL connector
          </Link>
          <Link href="/catalog/http" className="text-indigo-600 hover:text-indigo-500">
            HTTP connector
          </Link>
        </div>
      }
    />
  );
}
