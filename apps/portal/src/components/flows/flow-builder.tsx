'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Activity, AlertTriangle, ArrowLeft, ChevronDown, Download, MoreHorizontal, Save, Trash2, UploadCloud } from 'lucide-react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/root';
import { cn } from '@/lib/cn';
import { appCodeOf, errorMessage } from '@/lib/errors';
import { formatDateTime, timeAgo } from '@/lib/format';
import { useTRPC, useTRPCClient } from '@/lib/trpc';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Menu, MenuItem, MenuSeparator } from '@/components/ui/menu';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import {
  flatSteps,
  insertStep,
  issuePathToKey,
  moveStep,
  newStep,
  normalizeDefinition,
  removeStep,
  renameStep,
  updateStep,
  type Container,
  type FlowDefinition,
  type Step,
  type StepKind,
} from './definition';
import { FlowGraph } from './flow-graph';
import { PublishDialog } from './publish-dialog';
import { FlowSettingsPanel, StepPanel, type Issue, type PanelContext, type Selection } from './step-panel';
import { useCatalog } from './use-catalog';
import { useSampleInput } from './use-sample-input';

function stable(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Which node of the graph an issue belongs to: "trigger", a step key, or "flow". */
function nodeOfIssue(issue: Issue, keys: Set<string>): string {
  const head = issue.path.split(/[.[]/)[0] ?? '';
  if (head === 'trigger') return 'trigger';
  if (keys.has(head)) return head;
  return 'flow';
}

function selectionId(selection: Selection): string | null {
  if (selection.kind === 'trigger') return 'trigger';
  if (selection.kind === 'step') return selection.key;
  if (selection.kind === 'add') return `add:${selection.container.kind === 'root' ? 'root' : selection.container.kind === 'branch' ? `${selection.container.stepKey}:${selection.container.index}` : `${selection.container.stepKey}:otherwise`}`;
  return null;
}

function selectionOf(id: string): Selection {
  if (id === 'flow') return { kind: 'flow' };
  if (id === 'trigger') return { kind: 'trigger' };
  if (id.startsWith('add:')) {
    const rest = id.slice(4);
    if (rest === 'root') return { kind: 'add', container: { kind: 'root' } };
    const [stepKey, which] = rest.split(':') as [string, string];
    return { kind: 'add', container: which === 'otherwise' ? { kind: 'otherwise', stepKey } : { kind: 'branch', stepKey, index: Number(which) } };
  }
  return { kind: 'step', key: id };
}

/** Sends the browser a JSON document as a file. */
function download(filename: string, value: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The flow builder: graph, side panel, draft saving, publishing with a diff, enable/disable, export. */
export function FlowBuilder({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const flow = useQuery(trpc.flows.get.queryOptions({ flowId }));
  if (flow.error) {
    const notFound = appCodeOf(flow.error) === 'FLOW_NOT_FOUND' || flow.error.data?.code === 'BAD_REQUEST';
    return (
      <div className="space-y-4">
        <BackLink />
        <Notice
          tone="error"
          title={notFound ? 'This flow does not exist' : 'The flow could not be loaded'}
          action={
            notFound ? (
              <Link href="/flows" className="text-[13px] font-medium text-indigo-700 hover:text-indigo-600">
                Back to your flows
              </Link>
            ) : (
              <Button size="sm" variant="secondary" onClick={() => void flow.refetch()} loading={flow.isFetching}>
                Try again
              </Button>
            )
          }
        >
          {notFound ? 'It may have been deleted, or it belongs to another workspace.' : errorMessage(flow.error)}
        </Notice>
      </div>
    );
  }
  if (!flow.data) return <BuilderSkeleton />;
  return <Builder key={flow.data.id} flow={flow.data} />;
}

function BackLink() {
  return (
    <Link href="/flows" className="inline-flex items-center gap-1 text-[13px] font-medium text-zinc-500 hover:text-zinc-800">
      <ArrowLeft className="size-3.5" aria-hidden="true" />
      Flows
    </Link>
  );
}

function BuilderSkeleton() {
  return (
    <div className="space-y-5" aria-busy="true" aria-label="Loading the flow">
      <Skeleton className="h-4 w-16" />
      <Skeleton className="h-8 w-64" />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_380px]">
        <Skeleton className="h-[560px] rounded-xl" />
        <Skeleton className="h-[560px] rounded-xl" />
      </div>
    </div>
  );
}

type FlowData = inferRouterOutputs<AppRouter>['flows']['get'];

function Builder({ flow }: { flow: FlowData }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const router = useRouter();
  const toast = useToast();

  const [draft, setDraft] = useState<FlowDefinition>(() => normalizeDefinition(flow.draft));
  const [name, setName] = useState(flow.name);
  const [description, setDescription] = useState(flow.description);
  const [baseline, setBaseline] = useState(() => stable({ d: normalizeDefinition(flow.draft), n: flow.name, s: flow.description }));
  const current = stable({ d: draft, n: name, s: description });
  const dirty = current !== baseline;

  // Data refetched from the server (another tab saved, a publish) replaces the local copy when nothing is unsaved.
  useEffect(() => {
    const server = stable({ d: normalizeDefinition(flow.draft), n: flow.name, s: flow.description });
    if (server === baseline) return;
    if (!dirty) {
      setDraft(normalizeDefinition(flow.draft));
      setName(flow.name);
      setDescription(flow.description);
      setBaseline(server);
    }
    // Only a new server state matters here.
  }, [flow.draft, flow.name, flow.description]);

  const [selection, setSelection] = useState<Selection>({ kind: 'flow' });
  const select = useCallback((id: string) => setSelection(selectionOf(id)), []);
  // Another node opens its panel at the top.
  const panelRef = useRef<HTMLDivElement>(null);
  const selected = selectionId(selection);
  useEffect(() => {
    panelRef.current?.scrollTo({ top: 0 });
  }, [selected]);

  const connectorIds = useMemo(() => [draft.trigger.connector, ...flatSteps(draft.steps).flatMap((s) => (s.kind === 'action' ? [s.connector] : []))], [draft]);
  const catalog = useCatalog(connectorIds);

  // Sample data: the trigger connector's sample, or one of the last events this flow received.
  const recent = useQuery(trpc.flows.recentPayloads.queryOptions({ flowId: flow.id, limit: 5 }));
  const [sampleSource, setSampleSource] = useState<string>('sample');
  const triggerSample = catalog.manifests.get(draft.trigger.connector)?.triggers.find((t) => t.key === draft.trigger.trigger)?.sample ?? {};
  const chosenEvent = recent.data?.find((e) => e.eventId === sampleSource);
  const triggerPayload = chosenEvent ? chosenEvent.payload : triggerSample;
  const inputLabel = chosenEvent ? `the event of ${formatDateTime(chosenEvent.receivedAt)}` : `the ${catalog.graph.connectorName(draft.trigger.connector)} sample`;
  const selectedKey = selection.kind === 'step' ? selection.key : null;
  const sample = useSampleInput({ definition: draft, stepKey: selectedKey, trigger: triggerPayload, manifests: catalog.manifests });

  const sampleChooser = (
    <div className="flex items-center justify-between gap-3 rounded-lg bg-zinc-50 px-3 py-2">
      <label htmlFor="sample-source" className="text-xs font-medium text-zinc-600">
        Sample data
      </label>
      <select
        id="sample-source"
        value={chosenEvent ? sampleSource : 'sample'}
        onChange={(e) => setSampleSource(e.target.value)}
        className="h-7 max-w-[65%] min-w-0 rounded-md border border-zinc-200 bg-white px-2 text-xs text-zinc-800 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
      >
        <option value="sample">Connector sample</option>
        {(recent.data ?? []).map((e) => (
          <option key={e.eventId} value={e.eventId}>
            Event received {timeAgo(e.receivedAt)}
            {e.sourceEventId ? ` (${e.sourceEventId.slice(0, 24)})` : ''}
          </option>
        ))}
      </select>
    </div>
  );

  // Issues are the server's: for the last saved draft, or why the last save was refused.
  const [saveIssues, setSaveIssues] = useState<Issue[] | null>(null);
  const issues: Issue[] = saveIssues ?? flow.issues;
  const keys = useMemo(() => new Set(flatSteps(draft.steps).map((s) => s.key)), [draft]);
  const issueCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const issue of issues) {
      const node = nodeOfIssue(issue, keys);
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    return counts;
  }, [issues, keys]);

  const invalidate = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.flows.get.queryKey({ flowId: flow.id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.flows.versions.queryKey({ flowId: flow.id }) }),
    ]);
  };

  const save = useMutation(
    trpc.flows.update.mutationOptions({
      onSuccess: async (saved) => {
        setBaseline(stable({ d: normalizeDefinition(saved.draft), n: saved.name, s: saved.description }));
        await invalidate();
      },
    }),
  );
  const saveDraft = async (): Promise<boolean> => {
    if (!name.trim()) {
      setSelection({ kind: 'flow' });
      toast.show('Name the flow before saving.', 'error');
      return false;
    }
    try {
      await save.mutateAsync({ flowId: flow.id, name: name.trim(), description, definition: draft });
      setSaveIssues(null);
      return true;
    } catch (error) {
      const refused = (error as { data?: { issues?: Issue[] | null } }).data?.issues;
      if (refused?.length) {
        setSaveIssues(refused.map((i) => ({ ...i, path: issuePathToKey(draft, i.path) })));
        toast.show('The draft was not saved: fix the problems listed above the graph.', 'error');
      } else toast.show(errorMessage(error), 'error');
      return false;
    }
  };

  // Unsaved-changes guard: closing the tab, and links inside the portal.
  const [leaveTo, setLeaveTo] = useState<string | null>(null);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!anchor || anchor.target === '_blank' || anchor.hasAttribute('download')) return;
      const url = new URL(anchor.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      event.preventDefault();
      event.stopPropagation();
      setLeaveTo(`${url.pathname}${url.search}${url.hash}`);
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty]);

  // Ctrl/Cmd+S saves the draft.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (dirty && !save.isPending) void saveDraft();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // Publishing.
  const versions = useQuery({ ...trpc.flows.versions.queryOptions({ flowId: flow.id }), enabled: flow.publishedVersion !== null });
  const publishedDefinition = useMemo(() => {
    const v = versions.data?.find((x) => x.version === flow.publishedVersion);
    return v ? normalizeDefinition(v.definition) : null;
  }, [versions.data, flow.publishedVersion]);
  const [publishOpen, setPublishOpen] = useState(false);
  const [publishError, setPublishError] = useState<string | null>(null);
  const publish = useMutation(trpc.flows.publish.mutationOptions());
  const setEnabled = useMutation(
    trpc.flows.setEnabled.mutationOptions({
      onSuccess: async (result) => {
        toast.show(result.enabled ? 'The flow is enabled: events start runs.' : 'The flow is disabled: new events are refused.');
        await invalidate();
      },
      onError: (error) => toast.show(errorMessage(error), 'error'),
    }),
  );
  const openPublish = async () => {
    setPublishError(null);
    if (dirty && !(await saveDraft())) return;
    await versions.refetch();
    setPublishOpen(true);
  };
  const confirmPublish = async ({ enable }: { enable: boolean }) => {
    setPublishError(null);
    try {
      const result = await publish.mutateAsync({ flowId: flow.id });
      if (enable) await setEnabled.mutateAsync({ flowId: flow.id, enabled: true });
      setPublishOpen(false);
      toast.show(result.unchanged ? `Version ${result.version} is already published.` : `Published version ${result.version}.`);
      await invalidate();
    } catch (error) {
      setPublishError(errorMessage(error));
      await invalidate();
    }
  };

  const [deleting, setDeleting] = useState(false);
  const remove = useMutation(
    trpc.flows.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        toast.show(`Deleted “${flow.name}”.`);
        setBaseline(current);
        router.push('/flows');
      },
    }),
  );

  const exportFlow = async (source: 'published' | 'draft') => {
    try {
      const doc = await client.flows.export.query({ flowId: flow.id, source });
      const slug = flow.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'flow';
      download(`${slug}.conflux-flow.json`, doc);
      toast.show('Exported: connections are references, never credentials.', 'info');
    } catch (error) {
      toast.show(errorMessage(error), 'error');
    }
  };

  // Editing operations.
  const edit = (next: FlowDefinition) => setDraft(next);
  const addStep = (kind: StepKind, at: { afterKey: string } | { container: Container }) => {
    const step: Step = newStep(draft, kind);
    setDraft(insertStep(draft, step, at));
    setSelection({ kind: 'step', key: step.key });
  };
  const panel: PanelContext = {
    definition: draft,
    setDefinition: edit,
    catalog: catalog.list.data ?? [],
    manifests: catalog.manifests,
    issues,
    input: sample.input,
    inputLabel,
    sampleChooser,
    onRename: (from, to) => {
      setDraft(renameStep(draft, from, to));
      setSelection({ kind: 'step', key: to });
    },
    onUpdate: (key, change) => setDraft(updateStep(draft, key, change)),
    onMove: (key, delta) => setDraft(moveStep(draft, key, delta)),
    onDelete: (key) => {
      setDraft(removeStep(draft, key));
      setSelection({ kind: 'flow' });
    },
    onAdd: addStep,
    onClose: () => setSelection({ kind: 'flow' }),
    webhook: flow.webhook,
    flowId: flow.id,
    published: flow.publishedVersion !== null,
  };

  const canPublish = dirty || flow.hasUnpublishedChanges;
  const flowIssue = issues.find((i) => i.path === 'businessKey') ?? null;

  return (
    <div className="space-y-4">
      <BackLink />
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 space-y-1.5">
          <h1 className="truncate text-2xl font-semibold tracking-tight text-zinc-900">{name || 'Untitled flow'}</h1>
          <div className="flex flex-wrap items-center gap-1.5 text-[13px] text-zinc-500">
            {flow.publishedVersion ? <Badge tone="accent">Version {flow.publishedVersion} live</Badge> : <Badge>Never published</Badge>}
            {flow.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
            {dirty ? (
              <Badge tone="warning">Unsaved changes</Badge>
            ) : flow.hasUnpublishedChanges && flow.publishedVersion ? (
              <Badge tone="warning">Draft differs from version {flow.publishedVersion}</Badge>
            ) : null}
            <span className="ml-1">Draft saved {timeAgo(flow.draftUpdatedAt)}</span>
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <EnabledSwitch
            enabled={flow.enabled}
            disabled={!flow.publishedVersion || setEnabled.isPending}
            title={flow.publishedVersion ? undefined : 'Publish the flow before enabling it'}
            onChange={(enabled) => setEnabled.mutate({ flowId: flow.id, enabled })}
          />
          <Button variant="secondary" onClick={() => void saveDraft()} loading={save.isPending} disabled={!dirty} icon={<Save className="size-4" aria-hidden="true" />}>
            Save draft
          </Button>
          <Button onClick={() => void openPublish()} disabled={!canPublish || save.isPending} icon={<UploadCloud className="size-4" aria-hidden="true" />}>
            Publish
          </Button>
          <Menu
            trigger={<MoreHorizontal className="size-4" aria-hidden="true" />}
            triggerLabel="More actions"
            triggerClassName="inline-flex size-9 items-center justify-center rounded-lg border border-zinc-200 bg-white text-zinc-700 shadow-card hover:bg-zinc-50"
            align="end"
          >
            {(close) => (
              <>
                <MenuItem
                  onSelect={() => {
                    close();
                    void exportFlow(flow.publishedVersion ? 'published' : 'draft');
                  }}
                >
                  <Download className="size-4 text-zinc-500" aria-hidden="true" />
                  Export to JSON{flow.publishedVersion ? ` (version ${flow.publishedVersion})` : ''}
                </MenuItem>
                {flow.publishedVersion ? (
                  <MenuItem
                    onSelect={() => {
                      close();
                      void exportFlow('draft');
                    }}
                  >
                    <Download className="size-4 text-zinc-500" aria-hidden="true" />
                    Export the saved draft
                  </MenuItem>
                ) : null}
                <MenuItem
                  onSelect={() => {
                    close();
                    router.push(`/runs?flowId=${flow.id}`);
                  }}
                >
                  <Activity className="size-4 text-zinc-500" aria-hidden="true" />
                  View runs
                </MenuItem>
                <MenuSeparator />
                <MenuItem
                  onSelect={() => {
                    close();
                    setDeleting(true);
                  }}
                  className="text-red-700 hover:bg-red-50 hover:text-red-800"
                >
                  <Trash2 className="size-4" aria-hidden="true" />
                  Delete flow
                </MenuItem>
              </>
            )}
          </Menu>
        </div>
      </header>

      {issues.length ? <IssueList issues={issues} keys={keys} onSelect={select} stale={dirty && !saveIssues} refused={!!saveIssues} /> : null}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_400px]">
        <Card className="relative h-[460px] overflow-hidden lg:sticky lg:top-4 lg:h-[calc(100dvh-12rem)] lg:min-h-[520px]">
          <FlowGraph definition={draft} catalog={catalog.graph} selected={selectionId(selection)} issues={issueCounts} onSelect={select} />
          {catalog.error ? (
            <div className="absolute inset-x-3 top-3">
              <Notice tone="warning">The connector catalogue could not be loaded: names and settings may be missing. Reload to try again.</Notice>
            </div>
          ) : null}
        </Card>
        <Card className="min-w-0 self-start overflow-hidden lg:sticky lg:top-4" aria-label="Selected node">
          <div ref={panelRef} className="lg:max-h-[calc(100dvh-12rem)] lg:min-h-[520px] lg:overflow-y-auto">
            {selection.kind === 'flow' ? (
              <FlowSettingsPanel
                name={name}
                description={description}
                onName={setName}
                onDescription={setDescription}
                businessKey={draft.businessKey ?? ''}
                onBusinessKey={(v) => setDraft(v ? { ...draft, businessKey: v } : (({ businessKey: _b, ...rest }) => rest)(draft))}
                input={{ trigger: triggerPayload, steps: {} }}
                inputLabel={inputLabel}
                issue={flowIssue}
                sampleChooser={sampleChooser}
              />
            ) : (
              <StepPanel selection={selection} ctx={panel} />
            )}
          </div>
        </Card>
      </div>

      <PublishDialog
        open={publishOpen}
        onClose={() => setPublishOpen(false)}
        onConfirm={(options) => void confirmPublish(options)}
        published={publishedDefinition}
        draft={normalizeDefinition(flow.draft)}
        publishedVersion={flow.publishedVersion}
        enabled={flow.enabled}
        issues={issues}
        pending={publish.isPending || setEnabled.isPending}
        error={publishError}
      />
      <ConfirmDialog
        open={leaveTo !== null}
        onClose={() => setLeaveTo(null)}
        onConfirm={() => {
          const to = leaveTo;
          setBaseline(current);
          setLeaveTo(null);
          if (to) router.push(to);
        }}
        title="Leave without saving?"
        description="Your changes to this flow’s draft are not saved. Leave and lose them, or stay and save the draft."
        confirmLabel="Discard changes"
      />
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        onConfirm={() => remove.mutate({ flowId: flow.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        title={`Delete “${flow.name}”?`}
        description="The flow, its versions, its webhook URL and all its runs are deleted. Senders calling the URL get an error from then on. This cannot be undone."
        confirmLabel="Delete flow"
      />
    </div>
  );
}

function EnabledSwitch({ enabled, disabled, title, onChange }: { enabled: boolean; disabled: boolean; title: string | undefined; onChange: (enabled: boolean) => void }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={enabled}
      disabled={disabled}
      title={title}
      onClick={() => onChange(!enabled)}
      className="inline-flex h-9 items-center gap-2 rounded-lg px-2 text-[13px] font-medium text-zinc-700 hover:bg-zinc-100 disabled:cursor-not-allowed disabled:opacity-60"
    >
      <span className={cn('relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors', enabled ? 'bg-emerald-500' : 'bg-zinc-300')}>
        <span className={cn('inline-block size-4 rounded-full bg-white shadow transition-transform', enabled ? 'translate-x-4.5' : 'translate-x-0.5')} />
      </span>
      Enabled
    </button>
  );
}

function IssueList({ issues, keys, onSelect, stale, refused }: { issues: Issue[]; keys: Set<string>; onSelect: (id: string) => void; stale: boolean; refused: boolean }) {
  const [open, setOpen] = useState(true);
  return (
    <div role="region" aria-label="Problems" className="rounded-lg border border-red-200 bg-red-50/60">
      <button type="button" onClick={() => setOpen((v) => !v)} aria-expanded={open} className="flex w-full items-center gap-2 px-3 py-2 text-left text-[13px] font-medium text-red-900">
        <AlertTriangle className="size-4 text-red-600" aria-hidden="true" />
        {refused
          ? `The draft was not saved: ${issues.length === 1 ? 'fix this problem' : `fix these ${issues.length} problems`}`
          : `${issues.length} ${issues.length === 1 ? 'problem blocks' : 'problems block'} publishing`}
        {stale ? <span className="font-normal text-red-800/80">(as of the last save)</span> : null}
        <ChevronDown className={cn('ml-auto size-4 text-red-700 transition-transform', open && 'rotate-180')} aria-hidden="true" />
      </button>
      {open ? (
        <ul className="space-y-1 border-t border-red-200/70 px-3 py-2">
          {issues.map((issue) => {
            const node = nodeOfIssue(issue, keys);
            return (
              <li key={`${issue.path}:${issue.message}`} className="text-[13px] text-red-900">
                <button
                  type="button"
                  onClick={() => onSelect(node === 'flow' ? 'flow' : node)}
                  className="rounded text-left hover:underline"
                  disabled={node === 'flow' && issue.path !== 'businessKey'}
                >
                  <span className="font-mono text-xs">{issue.path || 'flow'}</span>
                  {issue.line ? <span className="text-xs"> (line {issue.line}, column {issue.column})</span> : null}: {issue.message}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
