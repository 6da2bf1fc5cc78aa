'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ChevronRight, Plus, Search, Upload, Workflow } from 'lucide-react';
import { errorMessage } from '@/lib/errors';
import { timeAgo, formatDateTime } from '@/lib/format';
import { useTRPC, useTRPCClient } from '@/lib/trpc';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { ConnectorIcon } from './connector-icon';
import { ImportFlowDialog } from './import-dialog';
import { useDebounced } from './mapping-editor';
import { LoadError } from '@/components/load-error';

/** /flows: the workspace's flows with their state, search, "New flow" and import. */
export function FlowsList() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim(), 250);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const catalog = useQuery({ ...trpc.catalog.list.queryOptions(), staleTime: Infinity });
  const input = { ...(query ? { search: query } : {}), limit: 50 };
  // Keyset pages: the cursor goes into the input as the server's own field (not tRPC's infinite-query fields).
  const flows = useInfiniteQuery({
    queryKey: [...trpc.flows.list.queryKey(input), 'pages'],
    queryFn: ({ pageParam }) => client.flows.list.query({ ...input, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: null as { updatedAt: Date; id: string } | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = flows.data?.pages.flatMap((p) => p.items) ?? [];
  const connector = (id: string) => catalog.data?.find((c) => c.id === id);

  return (
    <>
      <PageHeader
        title="Flows"
        description="Each flow starts from a trigger and runs its steps for every event."
        actions={
          <>
            <Button variant="secondary" onClick={() => setImporting(true)} icon={<Upload className="size-4" aria-hidden="true" />}>
              Import
            </Button>
            <Button onClick={() => setCreating(true)} icon={<Plus className="size-4" aria-hidden="true" />}>
              New flow
            </Button>
          </>
        }
      />

      <div className="mb-4 flex items-center gap-3">
        <div className="relative w-full max-w-xs">
          <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
          <Input type="search" aria-label="Search flows" placeholder="Search flows by name" value={search} onChange={(e) => setSearch(e.target.value)} className="pl-9" />
        </div>
        {flows.isFetching && !flows.isPending ? <span className="text-xs text-zinc-500">Searching…</span> : null}
      </div>

      {flows.error ? (
        <LoadError title="Your flows could not be loaded" query={flows} />
      ) : (
        <Card>
          {flows.isPending ? (
            <div className="divide-y divide-zinc-100" aria-busy="true" aria-label="Loading flows">
              {[0, 1, 2, 3].map((i) => (
                <div key={i} className="flex items-center gap-3 px-5 py-4">
                  <Skeleton className="size-9 rounded-lg" />
                  <div className="flex-1 space-y-2">
                    <Skeleton className="h-4 w-48" />
                    <Skeleton className="h-3 w-72" />
                  </div>
                </div>
              ))}
            </div>
          ) : items.length === 0 ? (
            query ? (
              <EmptyState icon={<Search />} title={`No flow matches “${query}”`} description="Check the spelling, or search for part of the name." />
            ) : (
              <EmptyState
                icon={<Workflow />}
                title="No flows yet"
                description="A flow listens for an event (a webhook, a schedule, a Stripe event) and runs steps: map the data, call an API, post a message."
                action={
                  <div className="flex gap-2">
                    <Button onClick={() => setCreating(true)} icon={<Plus className="size-4" aria-hidden="true" />}>
                      Create your first flow
                    </Button>
                    <Button variant="secondary" onClick={() => setImporting(true)}>
                      Import from JSON
                    </Button>
                  </div>
                }
              />
            )
          ) : (
            <ul className="divide-y divide-zinc-100" aria-label="Flows">
              {items.map((flow) => {
                const c = flow.trigger ? connector(flow.trigger.connector) : undefined;
                const triggerName = flow.trigger ? (c?.triggers.find((t) => t.key === flow.trigger!.trigger)?.name ?? `${flow.trigger.connector}.${flow.trigger.trigger}`) : 'No trigger';
                return (
                  <li key={flow.id}>
                    <Link href={`/flows/${flow.id}`} className="group flex items-center gap-3.5 px-5 py-3.5 hover:bg-zinc-50 focus-visible:bg-zinc-50 focus-visible:outline-offset-[-2px]">
                      <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-indigo-50 ring-1 ring-indigo-100 ring-inset">
                        {c?.icon ? <ConnectorIcon svg={c.icon} color="#4f46e5" className="size-[18px]" /> : <Workflow className="size-[18px] text-indigo-600" aria-hidden="true" />}
                      </span>
                      <span className="min-w-0 flex-1">
                        <span className="block truncate text-sm font-medium text-zinc-900">{flow.name}</span>
                        <span className="block truncate text-[13px] text-zinc-500">
                          {triggerName}
                          {c ? ` · ${c.name}` : ''}
                          {flow.description ? ` — ${flow.description}` : ''}
                        </span>
                      </span>
                      <span className="hidden shrink-0 flex-wrap items-center justify-end gap-1.5 sm:flex">
                        {flow.publishedVersion ? <Badge tone="accent">v{flow.publishedVersion}</Badge> : <Badge>Draft only</Badge>}
                        {flow.publishedVersion && flow.hasUnpublishedChanges ? <Badge tone="warning">Unpublished changes</Badge> : null}
                        {flow.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
                      </span>
                      <time dateTime={flow.updatedAt.toISOString()} title={`Updated ${formatDateTime(flow.updatedAt)}`} className="hidden w-24 shrink-0 text-right text-xs text-zinc-500 md:block">
                        {timeAgo(flow.updatedAt)}
                      </time>
                      <ChevronRight className="size-4 shrink-0 text-zinc-300 group-hover:text-zinc-500" aria-hidden="true" />
                    </Link>
                  </li>
                );
              })}
            </ul>
          )}
          {flows.hasNextPage ? (
            <div className="border-t border-zinc-100 px-5 py-3 text-center">
              <Button variant="secondary" size="sm" onClick={() => void flows.fetchNextPage()} loading={flows.isFetchingNextPage}>
                Load more flows
              </Button>
            </div>
          ) : null}
        </Card>
      )}

      <NewFlowDialog open={creating} onClose={() => setCreating(false)} />
      <ImportFlowDialog open={importing} onClose={() => setImporting(false)} />
    </>
  );
}

function NewFlowDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const create = useMutation(
    trpc.flows.create.mutationOptions({
      onSuccess: async (flow) => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        setName('');
        setTouched(false);
        router.push(`/flows/${flow.id}`);
      },
    }),
  );
  const error = touched && !name.trim() ? 'Name the flow' : null;
  const submit = () => {
    setTouched(true);
    if (!name.trim()) return;
    create.mutate({ name: name.trim() });
  };
  return (
    <Dialog
      open={open}
      onClose={() => {
        create.reset();
        onClose();
      }}
      busy={create.isPending}
      title="New flow"
      description="Give it a name people will recognise, like “Paid orders to the ERP”. You build the steps next."
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="new-flow" loading={create.isPending}>
            Create and open
          </Button>
        </>
      }
    >
      <form
        id="new-flow"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        className="space-y-3"
      >
        {create.error ? <Notice tone="error">{errorMessage(create.error)}</Notice> : null}
        <Field label="Flow name" required error={error}>
          <Input value={name} onChange={(e) => setName(e.target.value)} onBlur={() => setTouched(true)} maxLength={120} data-autofocus autoComplete="off" />
        </Field>
      </form>
    </Dialog>
  );
}
