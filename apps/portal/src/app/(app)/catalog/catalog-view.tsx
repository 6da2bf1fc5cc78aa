'use client';
import { useMemo, useState, type ReactNode } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Blocks, Search, X } from 'lucide-react';
import { cn } from '@/lib/cn';
import { useTRPC } from '@/lib/trpc';
import { PageHeader } from '@/components/shell/page-header';
import { categoryLabel, plural } from '@/components/connectors/labels';
import { ConnectorIcon } from '@/components/connectors/connector-icon';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { LoadError } from '@/components/load-error';

/** Every installed connector, searchable and filterable by category (all in the browser: the list is short). */
export function CatalogView() {
  const trpc = useTRPC();
  const catalog = useQuery({ ...trpc.catalog.list.queryOptions(), staleTime: 5 * 60_000 });
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState<string | null>(null);

  const categories = useMemo(() => [...new Set((catalog.data ?? []).flatMap((c) => c.categories))].sort((a, b) => categoryLabel(a).localeCompare(categoryLabel(b))), [catalog.data]);
  const shown = useMemo(() => {
    const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return (catalog.data ?? [])
      .filter((c) => !category || c.categories.includes(category))
      .filter((c) => {
        if (!words.length) return true;
        const text = [c.name, c.description, ...c.categories.map(categoryLabel), ...c.actions.map((a) => a.name), ...c.triggers.map((t) => t.name)].join(' ').toLowerCase();
        return words.every((w) => text.includes(w));
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [catalog.data, category, search]);
  const filtered = !!search.trim() || !!category;

  return (
    <>
      <PageHeader title="Catalogue" description="The systems Conflux can talk to. Connect one, then use its actions and triggers in your flows." />

      {catalog.error ? (
        <LoadError title="The catalogue could not be loaded" query={catalog} />
      ) : (
        <div className="space-y-5">
          <div className="space-y-3">
            <div className="relative max-w-md">
              <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
              <Input
                type="search"
                aria-label="Search connectors"
                placeholder="Search by name, action or category"
                value={search}
                onChange={(event) => setSearch(event.target.value)}
                className="pl-9"
              />
            </div>
            {categories.length > 1 ? (
              <div role="group" aria-label="Filter by category" className="flex flex-wrap gap-1.5">
                <Chip pressed={category === null} onClick={() => setCategory(null)}>
                  All
                </Chip>
                {categories.map((c) => (
                  <Chip key={c} pressed={category === c} onClick={() => setCategory(category === c ? null : c)}>
                    {categoryLabel(c)}
                  </Chip>
                ))}
              </div>
            ) : null}
          </div>

          {!catalog.data ? (
            <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-busy="true" aria-label="Loading connectors">
              {[0, 1, 2, 3, 4, 5].map((i) => (
                <Card key={i} className="space-y-3 p-5">
                  <div className="flex items-center gap-3">
                    <Skeleton className="size-10 rounded-lg" />
                    <Skeleton className="h-4 w-28" />
                  </div>
                  <Skeleton className="h-3.5 w-full" />
                  <Skeleton className="h-3.5 w-2/3" />
                </Card>
              ))}
            </div>
          ) : shown.length === 0 ? (
            <Card>
              <EmptyState
                icon={<Blocks />}
                title={filtered ? 'No connector matches' : 'No connectors installed'}
                description={filtered ? 'Try another word, or show every category.' : 'Connectors appear here once they are installed on this Conflux.'}
                action={
                  filtered ? (
                    <Button
                      variant="secondary"
                      icon={<X className="size-4" aria-hidden="true" />}
                      onClick={() => {
                        setSearch('');
                        setCategory(null);
                      }}
                    >
                      Clear search and filters
                    </Button>
                  ) : undefined
                }
              />
            </Card>
          ) : (
            <>
              <p className="sr-only" role="status">
                {plural(shown.length, 'connector')} shown
              </p>
              <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
                {shown.map((connector) => (
                  <li key={connector.id}>
                    <Link
                      href={`/catalog/${connector.id}`}
                      className="group flex h-full flex-col rounded-xl border border-zinc-200 bg-white p-5 shadow-card transition-colors hover:border-zinc-300 hover:bg-zinc-50/50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
                    >
                      <div className="flex items-start gap-3">
                        <ConnectorIcon icon={connector.icon} name={connector.name} />
                        <div className="min-w-0 flex-1 space-y-1">
                          <h2 className="truncate text-[15px] font-semibold text-zinc-900 group-hover:text-indigo-700">{connector.name}</h2>
                          <div className="flex flex-wrap gap-1">
                            {connector.categories.map((c) => (
                              <Badge key={c}>{categoryLabel(c)}</Badge>
                            ))}
                          </div>
                        </div>
                      </div>
                      <p className="mt-3 line-clamp-2 flex-1 text-[13px] text-zinc-600">{connector.description}</p>
                      <p className="mt-4 text-xs text-zinc-500">
                        {plural(connector.actions.length, 'action')} · {plural(connector.triggers.length, 'trigger')}
                      </p>
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </>
  );
}

function Chip({ pressed, onClick, children }: { pressed: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        'rounded-full border px-3 py-1 text-[13px] font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500',
        pressed ? 'border-indigo-600 bg-indigo-600 text-white' : 'border-zinc-200 bg-white text-zinc-700 hover:border-zinc-300 hover:bg-zinc-50',
      )}
    >
      {children}
    </button>
  );
}
