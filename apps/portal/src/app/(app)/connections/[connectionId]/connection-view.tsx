'use client';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { ArrowLeft, KeyRound, PlugZap, RefreshCw, Trash2 } from 'lucide-react';
import type { AppRouter } from '@/server/root';
import { appCodeOf, errorMessage } from '@/lib/errors';
import { formatDateTime, timeAgo } from '@/lib/format';
import { canManage } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { issuesOf } from '@/lib/trpc-error-issues';
import { useMe } from '@/lib/use-me';
import { checkRequired, focusFirstInvalid } from '@/lib/validate';
import { schemaFields, type JsonSchema } from '@/components/schema-form';
import { ConnectionStatusBadge } from '@/components/connectors/connection-status';
import { ConnectorIcon } from '@/components/connectors/connector-icon';
import { CredentialsForm, isAuthorizationCode, useCredentials, type AuthKindInfo } from '@/components/connectors/credentials-form';
import { authKindLabel } from '@/components/connectors/labels';
import { MetadataEditor, metadataProblem, metadataRows, rowsToMetadata, type DocumentedSetting, type MetadataRow } from '@/components/connectors/metadata-editor';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardFooter, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { Spinner } from '@/components/ui/spinner';
import { useToast } from '@/components/ui/toast';
import { oauthOutcomeNotice } from '../oauth-outcome';

type Connection = inferRouterOutputs<AppRouter>['connections']['get'];
type Manifest = inferRouterOutputs<AppRouter>['catalog']['get'];
type TestResult = inferRouterOutputs<AppRouter>['connections']['test'];

function BackLink() {
  return (
    <Link href="/connections" className="inline-flex items-center gap-1.5 rounded-md text-[13px] font-medium text-zinc-600 hover:text-zinc-900">
      <ArrowLeft className="size-3.5" aria-hidden="true" />
      Connections
    </Link>
  );
}

/** One connection: its health, a live test, its name, write-only credentials, settings, and deletion. */
export function ConnectionView({ connectionId, oauth, detail, created }: { connectionId: string; oauth: string | null; detail: string | null; created: boolean }) {
  const trpc = useTRPC();
  const connection = useQuery({ ...trpc.connections.get.queryOptions({ connectionId }), retry: false });
  const connectorId = connection.data?.connectorId;
  const manifest = useQuery({ ...trpc.catalog.get.queryOptions({ connectorId: connectorId ?? '' }), enabled: !!connectorId, staleTime: 5 * 60_000, retry: false });

  if (connection.error) {
    const missing = appCodeOf(connection.error) === 'CONNECTION_NOT_FOUND' || /NOT_FOUND|BAD_REQUEST/.test(String((connection.error as { data?: { code?: string } }).data?.code));
    return (
      <div className="space-y-6">
        <BackLink />
        {missing ? (
          <Card>
            <EmptyState
              icon={<KeyRound />}
              title="This connection does not exist"
              description="It may have been deleted, or it belongs to another workspace."
              action={
                <Link href="/connections" className={buttonClasses({ variant: 'secondary' })}>
                  See all connections
                </Link>
              }
            />
          </Card>
        ) : (
          <Notice tone="error" title="The connection could not be loaded" action={<Button size="sm" variant="secondary" onClick={() => void connection.refetch()}>Try again</Button>}>
            {errorMessage(connection.error)}
          </Notice>
        )}
      </div>
    );
  }
  if (!connection.data) {
    return (
      <div className="space-y-6" aria-busy="true" aria-label="Loading connection">
        <BackLink />
        <div className="flex items-center gap-4">
          <Skeleton className="size-12 rounded-xl" />
          <div className="flex-1 space-y-2">
            <Skeleton className="h-7 w-56" />
            <Skeleton className="h-4 w-72" />
          </div>
        </div>
        <Skeleton className="h-40 w-full rounded-xl" />
      </div>
    );
  }
  return <Loaded connection={connection.data} manifest={manifest.data} manifestMissing={!!manifest.error} oauth={oauth} detail={detail} created={created} />;
}

function Loaded({ connection, manifest, manifestMissing, oauth, detail, created }: { connection: Connection; manifest: Manifest | undefined; manifestMissing: boolean; oauth: string | null; detail: string | null; created: boolean }) {
  const router = useRouter();
  const me = useMe();
  const kind = manifest?.auth.find((a) => a.kind === connection.authKind) as AuthKindInfo | undefined;
  const authorisable = isAuthorizationCode(kind);
  const outcome = oauthOutcomeNotice(oauth, detail, connection.connectorName);
  const [replacing, setReplacing] = useState(false);
  const credentialsRef = useRef<HTMLDivElement>(null);
  const reconnectHref = `/api/oauth/start?connectionId=${connection.id}`;
  const clearQuery = () => router.replace(`/connections/${connection.id}`);
  // Created, but access not approved at the provider yet.
  const pending = authorisable && connection.status !== 'ok' && !!connection.statusReason?.startsWith('Not authorised');

  const fixAction = authorisable ? (
    <a href={reconnectHref} className={buttonClasses({ size: 'sm' })}>
      <RefreshCw className="size-3.5" aria-hidden="true" />
      {pending ? `Sign in to ${connection.connectorName}` : 'Reconnect'}
    </a>
  ) : (
    <Button
      size="sm"
      onClick={() => {
        setReplacing(true);
        requestAnimationFrame(() => credentialsRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
      }}
    >
      Replace credentials
    </Button>
  );

  return (
    <div className="space-y-6">
      <BackLink />
      <div className="flex flex-wrap items-start gap-4">
        <ConnectorIcon icon={manifest?.icon} name={connection.connectorName} size="lg" />
        <div className="min-w-0 flex-1 space-y-1.5">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="truncate text-2xl font-semibold tracking-tight text-zinc-900">{connection.name}</h1>
            <ConnectionStatusBadge status={connection.status} />
          </div>
          <p className="text-sm text-zinc-600">
            <Link href={`/catalog/${connection.connectorId}`} className="font-medium text-zinc-700 hover:text-indigo-700 hover:underline">
              {connection.connectorName}
            </Link>{' '}
            · {authKindLabel(connection.authKind, kind?.label)} · created <time dateTime={connection.createdAt.toISOString()} title={formatDateTime(connection.createdAt)}>{timeAgo(connection.createdAt)}</time>
          </p>
        </div>
        {authorisable && connection.status === 'ok' ? (
          <a href={reconnectHref} className={buttonClasses({ variant: 'secondary' })}>
            <RefreshCw className="size-4" aria-hidden="true" />
            Reconnect
          </a>
        ) : null}
      </div>

      {outcome ? (
        <Notice
          tone={outcome.tone}
          title={outcome.title}
          action={
            <div className="flex flex-wrap gap-2">
              {outcome.tone !== 'success' && connection.status !== 'ok' ? fixAction : null}
              <Button size="sm" variant="secondary" onClick={clearQuery}>
                Dismiss
              </Button>
            </div>
          }
        >
          {outcome.body}
        </Notice>
      ) : created ? (
        <Notice tone="success" title="Connection saved" action={<Button size="sm" variant="secondary" onClick={clearQuery}>Dismiss</Button>}>
          Check that the credentials work with “Test connection”, then use it in a flow.
        </Notice>
      ) : null}

      {connection.status !== 'ok' && !(outcome && outcome.tone !== 'success') ? (
        <Notice
          tone={connection.status === 'error' ? 'error' : 'warning'}
          title={
            pending
              ? `Not signed in to ${connection.connectorName} yet`
              : connection.status === 'error'
                ? 'This connection has a problem'
                : authorisable
                  ? 'This connection needs to be reconnected'
                  : 'The credentials need replacing'
          }
          action={fixAction}
        >
          {connection.statusReason ?? 'Flows that use it fail until it is fixed.'}
        </Notice>
      ) : null}
      {manifestMissing ? <Notice tone="warning" title="Connector not installed">The {connection.connectorId} connector is no longer installed; flows cannot use this connection.</Notice> : null}

      <TestCard connection={connection} />
      <DetailsCard connection={connection} />
      <div ref={credentialsRef} className="scroll-mt-6">
        <CredentialsCard connection={connection} manifest={manifest} kind={kind} replacing={replacing} setReplacing={setReplacing} />
      </div>
      {manifest && (manifest.connectionMetadata.length || Object.keys(connection.metadata).length) ? <SettingsCard connection={connection} documented={manifest.connectionMetadata} /> : null}
      <DeleteCard connection={connection} allowed={canManage(me.activeTenant?.role)} />
    </div>
  );
}

function TestCard({ connection }: { connection: Connection }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<TestResult | null>(null);
  const test = useMutation(
    trpc.connections.test.mutationOptions({
      onMutate: () => setResult(null),
      onSuccess: async (outcome) => {
        setResult(outcome);
        // A test may have refreshed a token or cleared (or set) "needs reconnect".
        await queryClient.invalidateQueries({ queryKey: trpc.connections.get.queryKey({ connectionId: connection.id }) });
        await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
      },
    }),
  );
  return (
    <Card>
      <CardHeader
        title="Test connection"
        description="Makes one harmless call with the stored credentials, such as reading your account, and reports what happened."
        actions={
          <Button variant="secondary" onClick={() => test.mutate({ connectionId: connection.id })} loading={test.isPending} icon={<PlugZap className="size-4" aria-hidden="true" />}>
            Test connection
          </Button>
        }
      />
      <CardBody aria-live="polite">
        {test.isPending ? (
          <p className="flex items-center gap-2 text-[13px] text-zinc-600">
            <Spinner /> Checking {connection.connectorName}…
          </p>
        ) : test.error ? (
          <Notice tone="error" title="The test could not run">
            {errorMessage(test.error)}
          </Notice>
        ) : result ? (
          <Notice tone={!result.ok ? 'error' : result.skipped ? 'info' : 'success'} title={!result.ok ? 'The connection does not work' : result.skipped ? 'Nothing to check' : 'The connection works'}>
            <p>{result.message}</p>
            <p className="mt-1 text-xs opacity-75">
              Checked at {formatDateTime(result.checkedAt)} · took {result.durationMs < 1000 ? `${result.durationMs} ms` : `${(result.durationMs / 1000).toFixed(1)} s`}
            </p>
          </Notice>
        ) : (
          <p className="text-[13px] text-zinc-500">Not tested yet in this visit.</p>
        )}
      </CardBody>
    </Card>
  );
}

function DetailsCard({ connection }: { connection: Connection }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState(connection.name);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setName(connection.name), [connection.name]);
  const rename = useMutation(
    trpc.connections.update.mutationOptions({
      onSuccess: async (updated) => {
        queryClient.setQueryData(trpc.connections.get.queryKey({ connectionId: connection.id }), updated);
        await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
        toast.show(`Renamed to “${updated.name}”`);
      },
      onError: (failure) => {
        setError(errorMessage(failure));
        focusFirstInvalid(formRef.current);
      },
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = checkRequired(name, 'Name the connection.');
    setError(problem);
    if (problem) return focusFirstInvalid(formRef.current);
    if (name.trim() === connection.name) return;
    rename.mutate({ connectionId: connection.id, name: name.trim() });
  }
  return (
    <Card>
      <CardHeader title="Name" description="Flows refer to the connection itself, so renaming it changes nothing in them." />
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <CardBody>
          <div className="flex flex-wrap items-start gap-3">
            <Field label="Connection name" required error={error} className="min-w-0 flex-1 basis-64">
              <Input
                name="name"
                value={name}
                maxLength={100}
                autoComplete="off"
                onChange={(e) => {
                  setName(e.target.value);
                  if (error) setError(null);
                }}
              />
            </Field>
            <div className="space-y-1.5">
              <span className="hidden text-[13px] sm:block" aria-hidden="true">
                &nbsp;
              </span>
              <Button type="submit" variant="secondary" loading={rename.isPending} disabled={name.trim() === connection.name}>
                Rename
              </Button>
            </div>
          </div>
        </CardBody>
      </form>
    </Card>
  );
}

function CredentialsCard({ connection, manifest, kind, replacing, setReplacing }: { connection: Connection; manifest: Manifest | undefined; kind: AuthKindInfo | undefined; replacing: boolean; setReplacing: (v: boolean) => void }) {
  const fields = kind ? schemaFields((kind.fields ?? {}) as JsonSchema) : [];
  return (
    <Card>
      <CardHeader
        title="Credentials"
        description="Stored encrypted. They are never shown again: replace them to change them."
        actions={
          !replacing && manifest ? (
            <Button variant="secondary" onClick={() => setReplacing(true)} icon={<KeyRound className="size-4" aria-hidden="true" />}>
              Replace credentials
            </Button>
          ) : undefined
        }
      />
      {replacing && manifest ? (
        <ReplaceCredentials connection={connection} manifest={manifest} onDone={() => setReplacing(false)} />
      ) : (
        <CardBody>
          {connection.authKind === 'none' ? (
            <p className="text-[13px] text-zinc-600">No credentials: requests go out without authentication.</p>
          ) : (
            <dl className="grid gap-x-6 gap-y-2.5 text-[13px] sm:grid-cols-[12rem_1fr]">
              <dt className="text-zinc-500">Kind</dt>
              <dd className="text-zinc-900">{authKindLabel(connection.authKind, kind?.label)}</dd>
              {fields.map((field) => (
                <div key={field.name} className="contents">
                  <dt className="text-zinc-500">{field.label}</dt>
                  <dd className="font-mono text-xs text-zinc-700">{connection.hasSecret ? <>•••••••• <span className="font-sans text-zinc-500">(set)</span></> : <span className="font-sans text-zinc-500">Not set</span>}</dd>
                </div>
              ))}
              {isAuthorizationCode(kind) ? (
                <div className="contents">
                  <dt className="text-zinc-500">Access</dt>
                  <dd className="text-zinc-700">
                    {connection.status === 'ok' ? 'Approved; the token is refreshed automatically' : connection.statusReason?.startsWith('Not authorised') ? 'Not approved yet' : 'Needs approving again (Reconnect)'}
                  </dd>
                </div>
              ) : null}
              <dt className="text-zinc-500">Last changed</dt>
              <dd className="text-zinc-700">{formatDateTime(connection.updatedAt)}</dd>
            </dl>
          )}
        </CardBody>
      )}
    </Card>
  );
}

function ReplaceCredentials({ connection, manifest, onDone }: { connection: Connection; manifest: Manifest; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const credentials = useCredentials(manifest.auth as AuthKindInfo[], connection.authKind);
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const authorise = isAuthorizationCode(credentials.current);
  const update = useMutation(
    trpc.connections.update.mutationOptions({
      onSuccess: async (updated) => {
        queryClient.setQueryData(trpc.connections.get.queryKey({ connectionId: connection.id }), updated);
        await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
        if (authorise) {
          setLeaving(true);
          window.location.assign(`/api/oauth/start?connectionId=${connection.id}`);
          return;
        }
        toast.show('Credentials replaced');
        onDone();
      },
      onError: (failure) => {
        if (appCodeOf(failure) === 'INVALID_CREDENTIALS' && Object.keys(issuesOf(failure)).length) credentials.setErrors(issuesOf(failure));
        else setError(errorMessage(failure));
        focusFirstInvalid(formRef.current);
      },
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const values = credentials.submit();
    if (!values) return focusFirstInvalid(formRef.current);
    update.mutate({ connectionId: connection.id, authKind: credentials.kind, credentials: values });
  }
  const busy = update.isPending || leaving;
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      <CardBody className="space-y-4">
        {error ? <Notice tone="error">{error}</Notice> : null}
        <CredentialsForm state={credentials} connectorName={manifest.name} redirectUri={manifest.oauthRedirectUri} disabled={busy} />
      </CardBody>
      <CardFooter>
        <p className="text-xs text-zinc-500">The old credentials are replaced when you save; flows use the new ones from their next step.</p>
        <div className="flex gap-2">
          <Button variant="ghost" onClick={onDone} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {authorise ? `Save and sign in to ${manifest.name}` : 'Save credentials'}
          </Button>
        </div>
      </CardFooter>
    </form>
  );
}

function SettingsCard({ connection, documented }: { connection: Connection; documented: DocumentedSetting[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const initial = () => metadataRows(documented, connection.metadata);
  const [rows, setRows] = useState<MetadataRow[]>(initial);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(
    trpc.connections.update.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.connections.get.queryKey({ connectionId: connection.id }), updated);
        setRows(metadataRows(documented, updated.metadata));
        toast.show('Settings saved');
      },
      onError: (failure) => setError(errorMessage(failure)),
    }),
  );
  const changed = JSON.stringify(rowsToMetadata(rows, connection.metadata)) !== JSON.stringify(rowsToMetadata(initial(), connection.metadata));
  return (
    <Card>
      <CardHeader title="Advanced settings" description="Non-secret settings the connector reads. They are stored as entered and shown here." />
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const problem = metadataProblem(rows);
          setError(problem);
          if (!problem) save.mutate({ connectionId: connection.id, metadata: rowsToMetadata(rows, connection.metadata) });
        }}
      >
        <CardBody>
          <MetadataEditor idPrefix="settings" documented={documented} rows={rows} onChange={setRows} error={error} disabled={save.isPending} />
        </CardBody>
        <CardFooter className="justify-end">
          <Button type="submit" variant="secondary" loading={save.isPending} disabled={!changed}>
            Save settings
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

function DeleteCard({ connection, allowed }: { connection: Connection; allowed: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.connections.delete.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        queryClient.removeQueries({ queryKey: trpc.connections.get.queryKey({ connectionId: connection.id }) });
        await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.tenant.dashboard.queryKey() });
        toast.show(`“${connection.name}” was deleted`);
        router.push('/connections');
      },
    }),
  );
  return (
    <Card>
      <CardHeader
        title="Delete connection"
        description={allowed ? 'Its credentials are erased. A connection that flows use cannot be deleted: change those flows first.' : 'Only owners and admins of this workspace can delete connections.'}
        actions={
          <Button
            variant="secondary"
            className="text-red-700 hover:bg-red-50 hover:text-red-800"
            disabled={!allowed}
            icon={<Trash2 className="size-4" aria-hidden="true" />}
            onClick={() => {
              remove.reset();
              setOpen(true);
            }}
          >
            Delete connection
          </Button>
        }
      />
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={() => remove.mutate({ connectionId: connection.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        title={`Delete “${connection.name}”?`}
        description="Its credentials are erased for good and flows can no longer use it. This cannot be undone."
        confirmLabel="Delete connection"
      />
    </Card>
  );
}
