'use client';
import { useMemo } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Blocks, KeyRound, Plus, RefreshCw } from 'lucide-react';
import { formatDate, formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { PageHeader } from '@/components/shell/page-header';
import { ConnectionStatusBadge } from '@/components/connectors/connection-status';
import { ConnectorIcon } from '@/components/connectors/connector-icon';
import { authKindLabel } from '@/components/connectors/labels';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { oauthOutcomeNotice } from './oauth-outcome';
import { LoadError } from '@/components/load-error';

/** The workspace's connections with their health, and the way to add one. */
export function ConnectionsView({ oauth, detail }: { oauth: string | null; detail: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const connections = useQuery(trpc.connections.list.queryOptions());
  const catalog = useQuery({ ...trpc.catalog.list.queryOptions(), staleTime: 5 * 60_000 });
  const connectors = useMemo(() => new Map((catalog.data ?? []).map((c) => [c.id, c])), [catalog.data]);
  const outcome = oauthOutcomeNotice(oauth, detail);

  const newButton = (
    <Link href="/connections/new" className={buttonClasses()}>
      <Plus className="size-4" aria-hidden="true" />
      New connection
    </Link>
  );
  const list = connections.data;

  return (
    <>
      <PageHeader title="Connections" description="The accounts and credentials your flows use to reach other systems." actions={list?.length ? newButton : undefined} />
      {outcome ? (
        <Notice
          tone={outcome.tone}
          title={outcome.title}
          className="mb-6"
          action={
            <Button size="sm" variant="secondary" onClick={() => router.replace('/connections')}>
              Dismiss
            </Button>
          }
        >
          {outcome.body}
        </Notice>
      ) : null}
      {connections.error ? (
        <LoadError title="Connections could not be loaded" query={connections} />
      ) : !list ? (
        <Card aria-busy="true" aria-label="Loading connections">
          <div className="space-y-4 px-5 py-5">
            {[0, 1, 2].map((i) => (
              <div key={i} className="flex items-center gap-3">
                <Skeleton className="size-7 rounded-md" />
                <Skeleton className="h-4 w-48" />
                <Skeleton className="ml-auto h-5 w-20" />
              </div>
            ))}
          </div>
        </Card>
      ) : list.length === 0 ? (
        <Card>
          <EmptyState
            icon={<KeyRound />}
            title="No connections yet"
            description="A connection holds the credentials of one system — your CRM, your payments, your mail server — once, for every flow that uses it. Pick the system in the catalogue to connect it."
            action={
              <div className="flex flex-wrap justify-center gap-2">
                <Link href="/catalog" className={buttonClasses({ variant: 'secondary' })}>
                  <Blocks className="size-4" aria-hidden="true" />
                  Browse the catalogue
                </Link>
                {newButton}
              </div>
            }
          />
        </Card>
      ) : (
        <Card>
          <CardHeader title={`${list.length} ${list.length === 1 ? 'connection' : 'connections'}`} description="Credentials are stored encrypted and never shown again after saving." />
          <div className="overflow-x-auto">
            <table className="w-full text-left text-[13px]">
              <thead className="border-b border-zinc-100 text-xs text-zinc-500">
                <tr>
                  <th scope="col" className="px-5 py-2.5 font-medium">
                    Name
                  </th>
                  <th scope="col" className="px-3 py-2.5 font-medium">
                    Connector
                  </th>
                  <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                    Authentication
                  </th>
                  <th scope="col" className="px-3 py-2.5 font-medium">
                    Status
                  </th>
                  <th scope="col" className="hidden px-5 py-2.5 font-medium lg:table-cell">
                    Created
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {list.map((connection) => {
                  const connector = connectors.get(connection.connectorId);
                  const kind = connector?.auth.find((a) => a.kind === connection.authKind);
                  return (
                    <tr key={connection.id} className="align-top hover:bg-zinc-50/60">
                      <td className="px-5 py-3">
                        <Link href={`/connections/${connection.id}`} className="rounded-sm font-medium text-zinc-900 hover:text-indigo-700 hover:underline">
                          {connection.name}
                        </Link>
                      </td>
                      <td className="px-3 py-3">
                        <span className="flex items-center gap-2">
                          <ConnectorIcon icon={connector?.icon} name={connection.connectorName} size="sm" />
                          <span className="text-zinc-700">{connection.connectorName}</span>
                        </span>
                      </td>
                      <td className="hidden px-3 py-3 text-zinc-600 lg:table-cell">{authKindLabel(connection.authKind, kind?.label)}</td>
                      <td className="px-3 py-3">
                        <div className="max-w-xs space-y-1">
                          <ConnectionStatusBadge status={connection.status} />
                          {connection.status !== 'ok' && connection.statusReason ? <p className="line-clamp-2 text-xs text-zinc-500">{connection.statusReason}</p> : null}
                          {connection.status !== 'ok' ? (
                            kind?.oauth?.grant === 'authorization_code' ? (
                              <a href={`/api/oauth/start?connectionId=${connection.id}`} className="inline-flex items-center gap-1 text-xs font-medium text-indigo-600 hover:text-indigo-500">
                                <RefreshCw className="size-3" aria-hidden="true" />
                                Reconnect<span className="sr-only"> {connection.name}</span>
                              </a>
                            ) : (
                              <Link href={`/connections/${connection.id}`} className="text-xs font-medium text-indigo-600 hover:text-indigo-500">
                                Fix<span className="sr-only"> {connection.name}</span>
                              </Link>
                            )
                          ) : null}
                        </div>
                      </td>
                      <td className="hidden px-5 py-3 whitespace-nowrap text-zinc-500 lg:table-cell">
                        <time dateTime={connection.createdAt.toISOString()} title={formatDateTime(connection.createdAt)}>
                          {formatDate(connection.createdAt)}
                        </time>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </>
  );
}
