'use client';
import { useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Activity, RotateCcw, Search, X } from 'lucide-react';
import { cn } from '@/lib/cn';
import { errorMessage } from '@/lib/errors';
import { formatDateTime, timeAgo } from '@/lib/format';
import { useTRPC, useTRPCClient } from '@/lib/trpc';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { ACTIVE_STATUSES, RUN_STATUSES, StatusBadge, formatDuration, statusExplanation, statusLabel } from './run-status';
import { RANGES, toSearch, validDate, type RunFilters } from './run-filters';
import { LoadError } from '@/components/load-error';

/** /runs: every run of the workspace, filtered, newest first, a page at a time; bulk replay of the failed ones. */
export function RunsList({ initial }: { initial: RunFilters }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<RunFilters>(initial);
  const [keyText, setKeyText] = useState(initial.key ?? '');
  // Relative ranges are fixed when chosen, so the query (and its cache key) stays put until they change.
  const [anchor, setAnchor] = useState(() => Date.now());

  useEffect(() => {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${toSearch(filters)}`);
  }, [filters]);

  const update = (change: Partial<RunFilters>) => {
    setFilters((f) => ({ ...f, ...change }));
    if ('range' in change) setAnchor(Date.now());
  };

  const range = RANGES.find((r) => r.value === (filters.range ?? ''));
  const from = filters.range === 'custom' ? validDate(filters.from) : range?.ms ? new Date(anchor - range.ms) : undefined;
  const to = filters.range === 'custom' ? validDate(filters.to) : undefined;
  const input = {
    ...(filters.flowId ? { flowId: filters.flowId } : {}),
    ...(filters.status?.length ? { status: filters.status } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(filters.key ? { businessKey: filters.key } : {}),
    limit: 50,
  };

  const flows = useQuery(trpc.flows.list.queryOptions({ limit: 200 }));
  // Keyset pages: the cursor goes into the input as the server's own field (not tRPC's infinite-query fields).
  const runs = useInfiniteQuery({
    queryKey: [...trpc.runs.list.queryKey(input), 'pages'],
    queryFn: ({ pageParam }) => client.runs.list.query({ ...input, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => {
      const pages = query.state.data?.pages ?? [];
      const active = pages.some((p) => p.items.some((r) => ACTIVE_STATUSES.has(r.status)));
      return active && pages.length <= 3 ? 4000 : false;
    },
  });
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = !!(filters.flowId || filters.status?.length || filters.range || filters.key);

  // Bulk replay of the failed runs matching the filters (status aside).
  const [bulkOpen, setBulkOpen] = useState(false);
  const bulkInput = { ...(filters.flowId ? { flowId: filters.flowId } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(filters.key ? { businessKey: filters.key } : {}) };
  const bulkPreview = useQuery({ ...trpc.runs.bulkReplayPreview.queryOptions(bulkInput), enabled: bulkOpen });
  const bulk = useMutation(
    trpc.runs.bulkReplay.mutationOptions({
      onSuccess: async (result) => {
        setBulkOpen(false);
        toast.show(
          result.remaining
            ? `Replaying ${result.replayed} runs from their failed step; ${result.remaining} more match — replay again for them.`
            : `Replaying ${result.replayed} ${result.replayed === 1 ? 'run' : 'runs'} from the failed step.`,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() });
      },
    }),
  );
  const showBulk = !filters.status?.length || filters.status.includes('failed');
  const flowName = useMemo(() => new Map((flows.data?.items ?? []).map((f) => [f.id, f.name])), [flows.data]);

  return (
    <>
      <PageHeader
        title="Runs"
        description="Every event a flow received and what each step did with it."
        actions={
          showBulk ? (
            <Button variant="secondary" onClick={() => setBulkOpen(true)} icon={<RotateCcw className="size-4" aria-hidden="true" />}>
              Replay failed runs…
            </Button>
          ) : null
        }
      />

      <section aria-label="Filters" className="mb-4 space-y-3">
        <div className="flex flex-wrap items-end gap-3">
          <label className="min-w-44 flex-1 space-y-1 sm:max-w-60">
            <span className="block text-xs font-medium text-zinc-600">Flow</span>
            <Select value={filters.flowId ?? ''} onChange={(e) => update({ flowId: e.target.value || undefined })} aria-label="Flow">
              <option value="">All flows</option>
              {(flows.data?.items ?? []).map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
              {filters.flowId && flows.data && !flowName.has(filters.flowId) ? <option value={filters.flowId}>This flow</option> : null}
            </Select>
          </label>
          <label className="min-w-40 flex-1 space-y-1 sm:max-w-52">
            <span className="block text-xs font-medium text-zinc-600">Time</span>
            <Select value={filters.range ?? ''} onChange={(e) => update({ range: e.target.value || undefined })} aria-label="Time range">
              {RANGES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </Select>
          </label>
          {filters.range === 'custom' ? (
            <>
              <label className="space-y-1">
                <span className="block text-xs font-medium text-zinc-600">From</span>
                <Input type="datetime-local" value={filters.from ?? ''} onChange={(e) => update({ from: e.target.value || undefined })} className="w-48" />
              </label>
              <label className="space-y-1">
                <span className="block text-xs font-medium text-zinc-600">Until</span>
                <Input type="datetime-local" value={filters.to ?? ''} onChange={(e) => update({ to: e.target.value || undefined })} className="w-48" />
              </label>
            </>
          ) : null}
          <form
            className="min-w-52 flex-1 space-y-1 sm:max-w-72"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              update({ key: keyText.trim() || undefined });
            }}
          >
            <label htmlFor="run-key" className="block text-xs font-medium text-zinc-600">
              Business key
            </label>
            <div className="relative">
              <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
              <Input
                id="run-key"
                type="search"
                placeholder="e.g. an order id, then Enter"
                value={keyText}
                onChange={(e) => {
                  setKeyText(e.target.value);
                  if (!e.target.value) update({ key: undefined });
                }}
                className="pl-9"
              />
            </div>
          </form>
        </div>
        <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Status">
          <span className="mr-1 text-xs font-medium text-zinc-600">Status</span>
          {RUN_STATUSES.filter((s) => s !== 'cancelled').map((status) => {
            const on = filters.status?.includes(status) ?? false;
            return (
              <button
                key={status}
                type="button"
                aria-pressed={on}
                title={statusExplanation(status)}
                onClick={() => {
                  const next = on ? (filters.status ?? []).filter((s) => s !== status) : [...(filters.status ?? []), status];
                  update({ status: next.length ? next : undefined });
                }}
                className={cn(
                  'h-7 rounded-full border px-2.5 text-xs font-medium transition-colors',
                  on ? 'border-indigo-300 bg-indigo-50 text-indigo-700' : 'border-zinc-200 bg-white text-zinc-600 hover:border-zinc-300 hover:text-zinc-900',
                )}
              >
                {statusLabel(status)}
              </button>
            );
          })}
          {filtered ? (
            <button
              type="button"
              onClick={() => {
                setKeyText('');
                setFilters({});
              }}
              className="ml-1 inline-flex h-7 items-center gap-1 rounded-full px-2 text-xs font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800"
            >
              <X className="size-3.5" aria-hidden="true" />
              Clear filters
            </button>
          ) : null}
        </div>
      </section>

      {runs.error ? (
        <LoadError title="Runs could not be loaded" query={runs} />
      ) : (
        <Card className="overflow-hidden">
          {runs.isPending ? (
            <div className="divide-y divide-zinc-100" aria-busy="true" aria-label="Loading runs">
              {[0, 1, 2, 3, 4].map((i) => (
                <div key={i} className="flex items-center gap-4 px-5 py-3.5">
                  <Skeleton className="h-5 w-20" />
                  <Skeleton className="h-4 flex-1" />
                  <Skeleton className="h-4 w-16" />
                </div>
              ))}
            </div>
          ) : items.length === 0 ? (
            filtered ? (
              <EmptyState icon={<Search />} title="No run matches these filters" description="Widen the time range, pick other statuses, or clear the filters." />
            ) : (
              <EmptyState
                icon={<Activity />}
                title="No runs yet"
                description="A run starts each time a published, enabled flow receives an event. Publish a flow and send it an event to see it here."
                action={
                  <Link href="/flows" className="text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
                    Go to your flows
                  </Link>
                }
              />
            )
          ) : (
            <table className={cn('w-full table-fixed text-left text-[13px]', runs.isPlaceholderData && 'opacity-60')}>
              <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs text-zinc-500">
                <tr>
                  <th scope="col" className="w-36 px-5 py-2 font-medium">
                    Status
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Flow
                  </th>
                  <th scope="col" className="hidden w-40 px-3 py-2 font-medium lg:table-cell">
                    Business key
                  </th>
                  <th scope="col" className="w-32 px-3 py-2 font-medium">
                    Started
                  </th>
                  <th scope="col" className="hidden w-28 px-5 py-2 text-right font-medium sm:table-cell">
                    Duration
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {items.map((run) => (
                  <tr key={run.id} className="group relative hover:bg-zinc-50" data-testid="run-row">
                    <td className="px-5 py-3 align-top whitespace-nowrap">
                      <StatusBadge status={run.status} />
                      {run.attempt > 1 ? <span className="ml-1.5 text-xs text-zinc-500">×{run.attempt}</span> : null}
                    </td>
                    <td className="truncate px-3 py-3 align-top">
                      <Link href={`/runs/${run.id}`} className="font-medium text-zinc-900 after:absolute after:inset-0 hover:text-indigo-700 focus-visible:outline-offset-2">
                        {run.flowName}
                      </Link>
                      {run.status === 'quota_exceeded' ? (
                        <p className="mt-0.5 truncate text-xs text-amber-800">Over this month’s quota: starts next month or on a bigger plan</p>
                      ) : null}
                      {run.error?.message ? (
                        <p className="mt-0.5 truncate text-xs text-red-700" title={run.error.message}>
                          {run.error.stepKey ? <span className="font-mono">{run.error.stepKey}: </span> : null}
                          {run.error.message}
                        </p>
                      ) : null}
                    </td>
                    <td className="hidden truncate px-3 py-3 align-top font-mono text-xs text-zinc-600 lg:table-cell">{run.businessKey ?? <span className="text-zinc-300">—</span>}</td>
                    <td className="px-3 py-3 align-top whitespace-nowrap text-zinc-600">
                      <time dateTime={run.createdAt.toISOString()} title={formatDateTime(run.createdAt)}>
                        {timeAgo(run.createdAt)}
                      </time>
                    </td>
                    <td className="hidden px-5 py-3 text-right align-top whitespace-nowrap text-zinc-600 tabular-nums sm:table-cell">
                      {run.durationMs !== null ? formatDuration(run.durationMs) : ACTIVE_STATUSES.has(run.status) ? '…' : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {runs.hasNextPage ? (
            <div className="border-t border-zinc-100 px-5 py-3 text-center">
              <Button variant="secondary" size="sm" onClick={() => void runs.fetchNextPage()} loading={runs.isFetchingNextPage}>
                Load more runs
              </Button>
            </div>
          ) : items.length > 0 ? (
            <p className="border-t border-zinc-100 px-5 py-2.5 text-center text-xs text-zinc-500">
              {items.length} {items.length === 1 ? 'run' : 'runs'}, all shown
            </p>
          ) : null}
        </Card>
      )}

      <ConfirmDialog
        open={bulkOpen}
        onClose={() => {
          setBulkOpen(false);
          bulk.reset();
        }}
        onConfirm={() => (bulkPreview.data?.willReplay ? bulk.mutate(bulkInput) : setBulkOpen(false))}
        pending={bulk.isPending}
        tone="primary"
        error={bulk.error ? errorMessage(bulk.error) : bulkPreview.error ? errorMessage(bulkPreview.error) : null}
        title="Replay failed runs?"
        description={
          bulkPreview.isPending ? (
            'Counting the failed runs that match your filters…'
          ) : !bulkPreview.data ? (
            'The failed runs could not be counted.'
          ) : bulkPreview.data.failed === 0 ? (
            'No failed run matches these filters: there is nothing to replay.'
          ) : (
            <span data-testid="bulk-replay-count">
              {bulkPreview.data.failed} failed {bulkPreview.data.failed === 1 ? 'run matches' : 'runs match'} these filters
              {filters.flowId ? ` in “${flowName.get(filters.flowId) ?? 'this flow'}”` : ''}.{' '}
              {bulkPreview.data.failed > bulkPreview.data.willReplay ? `The oldest ${bulkPreview.data.willReplay} resume now; replay again for the rest. ` : 'Each resumes '}
              {bulkPreview.data.failed > bulkPreview.data.willReplay ? 'Each resumes ' : ''}from its failed step with its original data; steps that succeeded are kept, and calls carry their original idempotency keys.
            </span>
          )
        }
        confirmLabel={bulkPreview.data?.willReplay ? `Replay ${bulkPreview.data.willReplay} ${bulkPreview.data.willReplay === 1 ? 'run' : 'runs'}` : 'Replay'}
      />
    </>
  );
}
