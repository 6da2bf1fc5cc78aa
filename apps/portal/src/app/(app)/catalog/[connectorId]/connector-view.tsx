'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { ArrowLeft, ArrowRight, Blocks, Globe, KeyRound, Plus, Workflow, Zap } from 'lucide-react';
import { appCodeOf } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { authKindLabel, categoryLabel, needsConnection, plural, triggerTypeLabel } from '@/components/connectors/labels';
import { ConnectorIcon } from '@/components/connectors/connector-icon';
import { PropsSummary } from '@/components/connectors/props-summary';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { LoadError } from '@/components/load-error';

function BackLink() {
  return (
    <Link href="/catalog" className="inline-flex items-center gap-1.5 rounded-md text-[13px] font-medium text-zinc-600 hover:text-zinc-900">
      <ArrowLeft className="size-3.5" aria-hidden="true" />
      Catalogue
    </Link>
  );
}

/** A connector's page: what it does (actions, triggers and their settings) and how to connect it. */
export function ConnectorView({ connectorId }: { connectorId: string }) {
  const trpc = useTRPC();
  const manifest = useQuery({ ...trpc.catalog.get.queryOptions({ connectorId }), staleTime: 5 * 60_000 });
  const connections = useQuery(trpc.connections.list.queryOptions({ connectorId }));

  if (manifest.error) {
    const missing = appCodeOf(manifest.error) === 'CONNECTOR_NOT_FOUND';
    return (
      <div className="space-y-6">
        <BackLink />
        {missing ? (
          <Card>
            <EmptyState
              icon={<Blocks />}
              title="There is no such connector"
              description="It may have been removed from this Conflux, or the link is mistyped."
              action={
                <Link href="/catalog" className={buttonClasses({ variant: 'secondary' })}>
                  Browse the catalogue
                </Link>
              }
            />
          </Card>
        ) : (
          <LoadError title="This connector could not be loaded" query={manifest} />
        )}
      </div>
    );
  }

  const m = manifest.data;
  if (!m) {
    return (
      <div className="space-y-6" aria-busy="true" aria-label="Loading connector">
        <BackLink />
        <div className="flex items-start gap-4">
          <Skeleton className="size-12 rounded-xl" />
          <div className="flex-1 space-y-2">
            <Skeleton className="h-7 w-48" />
            <Skeleton className="h-4 w-full max-w-md" />
          </div>
        </div>
        <Skeleton className="h-48 w-full rounded-xl" />
      </div>
    );
  }

  const connectable = needsConnection(m.auth);
  const mine = connections.data ?? [];
  return (
    <div className="space-y-6">
      <BackLink />
      <div className="flex flex-wrap items-start gap-4">
        <ConnectorIcon icon={m.icon} name={m.name} size="lg" />
        <div className="min-w-0 flex-1 space-y-1.5">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{m.name}</h1>
            <Badge>v{m.version}</Badge>
          </div>
          <p className="max-w-2xl text-sm text-zinc-600">{m.description}</p>
          <div className="flex flex-wrap gap-1 pt-0.5">
            {m.categories.map((c) => (
              <Badge key={c} tone="accent">
                {categoryLabel(c)}
              </Badge>
            ))}
          </div>
        </div>
        {connectable ? (
          <Link href={`/connections/new?connector=${encodeURIComponent(m.id)}`} className={buttonClasses({ className: 'max-sm:w-full' })}>
            <Plus className="size-4" aria-hidden="true" />
            Connect {m.name}
          </Link>
        ) : (
          <Link href="/flows" className={buttonClasses({ variant: 'secondary', className: 'max-sm:w-full' })}>
            <Workflow className="size-4" aria-hidden="true" />
            Use it in a flow
          </Link>
        )}
      </div>

      <div className="grid gap-6 xl:grid-cols-3">
        <div className="space-y-6 xl:col-span-2">
          <Card>
            <CardHeader title="Actions" description={m.actions.length ? `What a flow step can do with ${m.name}.` : `${m.name} has no actions: it starts flows.`} />
            {m.actions.length ? (
              <ul className="divide-y divide-zinc-100">
                {m.actions.map((action) => (
                  <Operation key={action.key} id={`action-${action.key}`} name={action.name} operationKey={action.key} description={action.description} props={action.props} sample={action.sample} />
                ))}
              </ul>
            ) : null}
          </Card>
          <Card>
            <CardHeader title="Triggers" description={m.triggers.length ? `Events from ${m.name} that start a flow.` : `${m.name} does not start flows; use its actions as steps.`} />
            {m.triggers.length ? (
              <ul className="divide-y divide-zinc-100">
                {m.triggers.map((trigger) => (
                  <Operation
                    key={trigger.key}
                    id={`trigger-${trigger.key}`}
                    name={trigger.name}
                    operationKey={trigger.key}
                    description={trigger.description}
                    props={trigger.props}
                    sample={trigger.sample}
                    badge={triggerTypeLabel(trigger.type)}
                  />
                ))}
              </ul>
            ) : null}
          </Card>
        </div>

        <div className="space-y-6">
          <Card>
            <CardHeader title="Connecting" />
            <CardBody className="space-y-4">
              {connectable ? (
                <ul className="space-y-3">
                  {m.auth
                    .filter((a) => a.kind !== 'none')
                    .map((a) => (
                      <li key={a.kind} className="flex gap-2.5 text-[13px]">
                        <KeyRound className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden="true" />
                        <div className="space-y-0.5">
                          <p className="font-medium text-zinc-900">{authKindLabel(a.kind, a.label)}</p>
                          {a.oauth?.grant === 'authorization_code' ? <p className="text-zinc-600">You sign in at {m.name} and approve access; Conflux keeps the token fresh.</p> : null}
                          {a.help ? <p className="text-zinc-500">{a.help}</p> : null}
                        </div>
                      </li>
                    ))}
                </ul>
              ) : (
                <p className="text-[13px] text-zinc-600">No account or credentials needed: add it to a flow directly.</p>
              )}
              {connectable ? (
                <div className="border-t border-zinc-100 pt-3 text-[13px]">
                  {connections.isPending ? (
                    <Skeleton className="h-4 w-40" />
                  ) : mine.length ? (
                    <Link href="/connections" className="inline-flex items-center gap-1 font-medium text-indigo-600 hover:text-indigo-500">
                      {plural(mine.length, 'connection')} in this workspace
                      <ArrowRight className="size-3.5" aria-hidden="true" />
                    </Link>
                  ) : (
                    <p className="text-zinc-500">No connection in this workspace yet.</p>
                  )}
                </div>
              ) : null}
            </CardBody>
          </Card>
          {m.egress.hosts.length ? (
            <Card>
              <CardHeader title="Where it connects" />
              <CardBody className="space-y-2 text-[13px]">
                <p className="text-zinc-600">{m.egress.hosts.includes('*') ? 'Any public address you configure. Private networks are refused unless your operator allows them.' : 'Calls only these hosts:'}</p>
                {m.egress.hosts.includes('*') ? null : (
                  <ul className="space-y-1">
                    {m.egress.hosts.map((host) => (
                      <li key={host} className="flex items-center gap-2">
                        <Globe className="size-3.5 text-zinc-400" aria-hidden="true" />
                        <code className="font-mono text-xs text-zinc-700">{host}</code>
                      </li>
                    ))}
                  </ul>
                )}
              </CardBody>
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function Operation({ id, name, operationKey, description, props, sample, badge }: { id: string; name: string; operationKey: string; description: string; props: unknown; sample: unknown; badge?: string }) {
  return (
    <li id={id} className="space-y-3 px-5 py-4">
      <div className="space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className="text-sm font-semibold text-zinc-900">{name}</h3>
          {badge ? (
            <Badge tone="accent" icon={<Zap className="size-3" aria-hidden="true" />}>
              {badge}
            </Badge>
          ) : null}
          <code className="font-mono text-xs text-zinc-400">{operationKey}</code>
        </div>
        <p className="text-[13px] text-zinc-600">{description}</p>
      </div>
      <PropsSummary schema={props} />
      <details className="group text-[13px]">
        <summary className="cursor-pointer rounded-md font-medium text-zinc-600 select-none hover:text-zinc-900">Sample {badge ? 'event' : 'output'}</summary>
        <pre className="mt-2 max-h-72 overflow-auto rounded-lg border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs leading-5 text-zinc-800">{JSON.stringify(sample, null, 2)}</pre>
      </details>
    </li>
  );
}
