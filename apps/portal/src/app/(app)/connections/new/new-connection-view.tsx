'use client';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, ArrowRight, Blocks, ChevronRight, Search } from 'lucide-react';
import { cn } from '@/lib/cn';
import { appCodeOf, errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { issuesOf } from '@/lib/trpc-error-issues';
import { checkRequired, focusFirstInvalid } from '@/lib/validate';
import { PageHeader } from '@/components/shell/page-header';
import { ConnectorIcon } from '@/components/connectors/connector-icon';
import { CredentialsForm, isAuthorizationCode, useCredentials, type AuthKindInfo } from '@/components/connectors/credentials-form';
import { categoryLabel, needsConnection } from '@/components/connectors/labels';
import { MetadataEditor, metadataProblem, metadataRows, rowsToMetadata, type DocumentedSetting, type MetadataRow } from '@/components/connectors/metadata-editor';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardFooter, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';

function Steps({ step }: { step: 1 | 2 }) {
  const items = ['Choose a system', 'Enter credentials'];
  return (
    <ol className="mb-6 flex flex-wrap items-center gap-2 text-[13px]" aria-label="Steps">
      {items.map((label, i) => {
        const n = i + 1;
        const state = n < step ? 'done' : n === step ? 'current' : 'todo';
        return (
          <li key={label} className="flex items-center gap-2" aria-current={state === 'current' ? 'step' : undefined}>
            <span
              className={cn(
                'flex size-5 items-center justify-center rounded-full text-[11px] font-semibold',
                state === 'current' ? 'bg-indigo-600 text-white' : state === 'done' ? 'bg-indigo-100 text-indigo-700' : 'bg-zinc-100 text-zinc-500',
              )}
              aria-hidden="true"
            >
              {n}
            </span>
            <span className={state === 'current' ? 'font-medium text-zinc-900' : 'text-zinc-500'}>{label}</span>
            {n < items.length ? <ChevronRight className="size-3.5 text-zinc-300" aria-hidden="true" /> : null}
          </li>
        );
      })}
    </ol>
  );
}

/** New connection: pick the system, then its kind of credentials and the form generated for them. */
export function NewConnectionView({ connectorId }: { connectorId: string | null }) {
  return (
    <>
      <Link href="/connections" className="mb-4 inline-flex items-center gap-1.5 rounded-md text-[13px] font-medium text-zinc-600 hover:text-zinc-900">
        <ArrowLeft className="size-3.5" aria-hidden="true" />
        Connections
      </Link>
      <PageHeader title="New connection" description="Connect a system once; every flow in this workspace can use it." />
      <Steps step={connectorId ? 2 : 1} />
      {connectorId ? <ConnectionForm key={connectorId} connectorId={connectorId} /> : <ConnectorPicker />}
    </>
  );
}

function ConnectorPicker() {
  const trpc = useTRPC();
  const catalog = useQuery({ ...trpc.catalog.list.queryOptions(), staleTime: 5 * 60_000 });
  const [search, setSearch] = useState('');
  const connectable = useMemo(() => {
    const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return (catalog.data ?? [])
      .filter((c) => needsConnection(c.auth))
      .filter((c) => words.every((w) => `${c.name} ${c.description} ${c.categories.join(' ')}`.toLowerCase().includes(w)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [catalog.data, search]);

  if (catalog.error) {
    return (
      <Notice tone="error" title="The connectors could not be loaded" action={<Button size="sm" variant="secondary" onClick={() => void catalog.refetch()}>Try again</Button>}>
        {errorMessage(catalog.error)}
      </Notice>
    );
  }
  return (
    <Card>
      <CardHeader title="Which system do you want to connect?" description="Connectors that need no account (webhooks, schedules) are used in flows directly." />
      <CardBody className="space-y-4">
        <div className="relative max-w-sm">
          <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
          <Input type="search" aria-label="Search connectors" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} className="pl-9" />
        </div>
        {!catalog.data ? (
          <div className="grid gap-3 sm:grid-cols-2" aria-busy="true" aria-label="Loading connectors">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-16 rounded-lg" />
            ))}
          </div>
        ) : connectable.length === 0 ? (
          <EmptyState icon={<Blocks />} title="No connector matches" description="Try another word." className="py-6" />
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2">
            {connectable.map((c) => (
              <li key={c.id}>
                <Link
                  href={`/connections/new?connector=${encodeURIComponent(c.id)}`}
                  className="group flex items-center gap-3 rounded-lg border border-zinc-200 px-3.5 py-3 transition-colors hover:border-indigo-300 hover:bg-indigo-50/40 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
                >
                  <ConnectorIcon icon={c.icon} name={c.name} />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium text-zinc-900">{c.name}</span>
                    <span className="block truncate text-xs text-zinc-500">{c.categories.map(categoryLabel).join(' · ')}</span>
                  </span>
                  <ArrowRight className="size-4 text-zinc-300 group-hover:text-indigo-600" aria-hidden="true" />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}

function ConnectionForm({ connectorId }: { connectorId: string }) {
  const trpc = useTRPC();
  const manifest = useQuery({ ...trpc.catalog.get.queryOptions({ connectorId }), staleTime: 5 * 60_000, retry: false });
  const existing = useQuery(trpc.connections.list.queryOptions());

  if (manifest.error) {
    return (
      <Card>
        <EmptyState
          icon={<Blocks />}
          title={appCodeOf(manifest.error) === 'CONNECTOR_NOT_FOUND' ? 'There is no such connector' : 'This connector could not be loaded'}
          description={appCodeOf(manifest.error) === 'CONNECTOR_NOT_FOUND' ? 'Choose one from the list instead.' : errorMessage(manifest.error)}
          action={
            <Link href="/connections/new" className={buttonClasses({ variant: 'secondary' })}>
              Choose a connector
            </Link>
          }
        />
      </Card>
    );
  }
  if (!manifest.data || !existing.data) {
    return (
      <Card aria-busy="true" aria-label="Loading the form" className="space-y-4 p-5">
        <Skeleton className="h-10 w-56" />
        <Skeleton className="h-9 w-full" />
        <Skeleton className="h-9 w-full" />
      </Card>
    );
  }
  const names = new Set(existing.data.map((c) => c.name));
  let suggested = manifest.data.name;
  for (let n = 2; names.has(suggested); n++) suggested = `${manifest.data.name} ${n}`;
  return <ConnectionFormLoaded manifest={manifest.data} suggestedName={suggested} />;
}

interface Manifest {
  id: string;
  name: string;
  icon?: string;
  description: string;
  auth: AuthKindInfo[];
  connectionMetadata: DocumentedSetting[];
  oauthRedirectUri: string;
}

function ConnectionFormLoaded({ manifest, suggestedName }: { manifest: Manifest; suggestedName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const credentials = useCredentials(manifest.auth);
  const [name, setName] = useState(suggestedName);
  const [nameError, setNameError] = useState<string | null>(null);
  const [rows, setRows] = useState<MetadataRow[]>(() => metadataRows(manifest.connectionMetadata));
  const [rowsError, setRowsError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const authorise = isAuthorizationCode(credentials.current);

  const create = useMutation(
    trpc.connections.create.mutationOptions({
      onSuccess: async (connection) => {
        await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.tenant.dashboard.queryKey() });
        if (authorise) {
          // The provider's page is another site: a full navigation, through the portal's start route.
          setLeaving(true);
          window.location.assign(`/api/oauth/start?connectionId=${connection.id}`);
          return;
        }
        router.push(`/connections/${connection.id}?created=1`);
      },
      onError: (error) => {
        const code = appCodeOf(error);
        if (code === 'NAME_TAKEN') setNameError(errorMessage(error));
        else if (code === 'INVALID_CREDENTIALS' && Object.keys(issuesOf(error)).length) credentials.setErrors(issuesOf(error));
        else setFormError(errorMessage(error));
        focusFirstInvalid(formRef.current);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const nameProblem = checkRequired(name, 'Name the connection, e.g. “Stripe (live)”.');
    setNameError(nameProblem);
    const metaProblem = metadataProblem(rows);
    setRowsError(metaProblem);
    const values = credentials.submit();
    if (nameProblem || metaProblem || !values) return focusFirstInvalid(formRef.current);
    const metadata = rowsToMetadata(rows);
    create.mutate({ connectorId: manifest.id, name: name.trim(), authKind: credentials.kind, credentials: values, ...(Object.keys(metadata).length ? { metadata } : {}) });
  }

  const busy = create.isPending || leaving;
  return (
    <Card>
      <CardHeader
        title={
          <span className="flex items-center gap-3">
            <ConnectorIcon icon={manifest.icon} name={manifest.name} size="sm" />
            Connect {manifest.name}
          </span>
        }
        description={manifest.description}
        actions={
          <Link href="/connections/new" className="rounded-md text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
            Choose another
          </Link>
        }
      />
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <CardBody className="space-y-5">
          {formError ? <Notice tone="error">{formError}</Notice> : null}
          <Field label="Connection name" required error={nameError} hint="How flows and teammates will know it, e.g. “Stripe (live)” or “Support mailbox”.">
            <Input
              name="name"
              value={name}
              maxLength={100}
              autoComplete="off"
              disabled={busy}
              onChange={(e) => {
                setName(e.target.value);
                if (nameError) setNameError(null);
              }}
            />
          </Field>
          <CredentialsForm state={credentials} connectorName={manifest.name} redirectUri={manifest.oauthRedirectUri} disabled={busy} />
          {manifest.connectionMetadata.length ? (
            <details className="group rounded-lg border border-zinc-200 open:bg-zinc-50/40">
              <summary className="cursor-pointer rounded-lg px-3.5 py-2.5 text-[13px] font-medium text-zinc-700 select-none hover:text-zinc-900">
                Advanced settings <span className="font-normal text-zinc-500">— optional, not secret</span>
              </summary>
              <div className="border-t border-zinc-200 px-3.5 py-3.5">
                <MetadataEditor idPrefix="meta" documented={manifest.connectionMetadata} rows={rows} onChange={setRows} disabled={busy} error={rowsError} />
              </div>
            </details>
          ) : null}
        </CardBody>
        <CardFooter>
          <p className="text-xs text-zinc-500">Secrets are encrypted and cannot be read back; you can replace them later.</p>
          <div className="flex gap-2">
            <Link href="/connections" className={buttonClasses({ variant: 'ghost' })}>
              Cancel
            </Link>
            <Button type="submit" loading={busy} icon={authorise ? <ArrowRight className="size-4" aria-hidden="true" /> : undefined}>
              {authorise ? `Continue to ${manifest.name}` : 'Save connection'}
            </Button>
          </div>
        </CardFooter>
      </form>
    </Card>
  );
}
