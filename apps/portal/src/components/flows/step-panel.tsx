'use client';
import { useEffect, useState, type ReactNode } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, ExternalLink, Filter, GitBranch, Plus, Shuffle, Trash2, X, Zap } from 'lucide-react';
import { useTRPC } from '@/lib/trpc';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Menu, MenuItem, MenuLabel } from '@/components/ui/menu';
import { Notice } from '@/components/ui/notice';
import { Select } from '@/components/ui/select';
import { JsonViewer } from '@/components/runs/json-viewer';
import {
  canMove,
  checkStepKey,
  findStep,
  kindLabels,
  type Container,
  type FlowDefinition,
  type PropValue,
  type Step,
  type StepKind,
} from './definition';
import { MappingEditor } from './mapping-editor';
import { PropsForm, type JsonSchema } from './props-form';
import type { ConnectorManifest, ConnectorSummary } from './use-catalog';
import type { SampleInput } from './use-sample-input';
import { WebhookPanel, type WebhookInfo } from './webhook-panel';

/** A located server problem of the draft. */
export interface Issue {
  path: string;
  message: string;
  line?: number | undefined;
  column?: number | undefined;
}

/** What the side panel edits: the trigger, a step, a place to add a step, or the flow's own settings. */
export type Selection = { kind: 'trigger' } | { kind: 'step'; key: string } | { kind: 'add'; container: Container } | { kind: 'flow' };

/** The step kinds offered when adding a step, with what each does. */
const kindChoices: { kind: StepKind; icon: typeof Zap; description: string }[] = [
  { kind: 'action', icon: Zap, description: 'Call a connector: send a request, create a record, post a message.' },
  { kind: 'map', icon: Shuffle, description: 'Reshape data with a JSONata expression.' },
  { kind: 'filter', icon: Filter, description: 'Stop the run unless a condition holds.' },
  { kind: 'branch', icon: GitBranch, description: 'Take a different path depending on the data.' },
];

/** Buttons to add each kind of step, used in the "add" panel. */
export function AddStepChoices({ onAdd }: { onAdd: (kind: StepKind) => void }) {
  return (
    <ul className="grid gap-2">
      {kindChoices.map(({ kind, icon: Icon, description }) => (
        <li key={kind}>
          <button
            type="button"
            onClick={() => onAdd(kind)}
            className="flex w-full items-start gap-3 rounded-lg border border-zinc-200 bg-white px-3 py-2.5 text-left shadow-card transition-colors hover:border-indigo-300 hover:bg-indigo-50/40 focus-visible:border-indigo-400"
          >
            <span className="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-md bg-zinc-100 text-zinc-600">
              <Icon className="size-4" aria-hidden="true" />
            </span>
            <span>
              <span className="block text-[13px] font-semibold text-zinc-900">{kindLabels[kind]}</span>
              <span className="block text-xs text-zinc-500">{description}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The "Add step after" menu of a step. */
export function AddAfterMenu({ onAdd }: { onAdd: (kind: StepKind) => void }) {
  return (
    <Menu
      trigger={
        <>
          <Plus className="size-4" aria-hidden="true" />
          Add step after
        </>
      }
      triggerClassName="inline-flex h-8 items-center gap-1.5 rounded-lg border border-zinc-200 bg-white px-2.5 text-[13px] font-medium text-zinc-800 shadow-card hover:bg-zinc-50"
      align="start"
    >
      {(close) => (
        <>
          <MenuLabel>Add after this step</MenuLabel>
          {kindChoices.map(({ kind, icon: Icon }) => (
            <MenuItem
              key={kind}
              onSelect={() => {
                close();
                onAdd(kind);
              }}
            >
              <Icon className="size-4 text-zinc-500" aria-hidden="true" />
              {kindLabels[kind]}
            </MenuItem>
          ))}
        </>
      )}
    </Menu>
  );
}

/** A select of this workspace's connections of one connector, with a link to create one. */
export function ConnectionPicker({
  id,
  connectorId,
  connectorName,
  value,
  onChange,
  optional,
  error,
}: {
  id: string;
  connectorId: string;
  connectorName: string;
  value: string | null | undefined;
  onChange: (value: string | null) => void;
  optional: boolean;
  error?: string | null | undefined;
}) {
  const trpc = useTRPC();
  const connections = useQuery(trpc.connections.list.queryOptions({ connectorId }));
  const list = connections.data ?? [];
  return (
    <Field
      id={id}
      label="Connection"
      required={!optional}
      error={error ?? (connections.error ? 'Your connections could not be loaded.' : null)}
      hint={
        list.length === 0 && !connections.isPending ? (
          <>
            You have no {connectorName} connection yet.{' '}
            <Link href={`/connections?connector=${encodeURIComponent(connectorId)}`} target="_blank" className="font-medium text-indigo-600 hover:text-indigo-500">
              Create one <ExternalLink className="inline size-3" aria-hidden="true" />
            </Link>
          </>
        ) : optional ? (
          'Optional: without one, requests carry no credentials.'
        ) : (
          'The credentials this step uses.'
        )
      }
    >
      <Select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} disabled={connections.isPending}>
        <option value="">{connections.isPending ? 'Loading…' : optional ? 'No connection' : 'Choose a connection…'}</option>
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.status !== 'ok' ? ' (needs attention)' : ''}
          </option>
        ))}
      </Select>
    </Field>
  );
}

function PanelHeader({ icon, kind, title, onClose, children }: { icon: ReactNode; kind: string; title: ReactNode; onClose?: () => void; children?: ReactNode }) {
  return (
    <div className="space-y-3 border-b border-zinc-100 px-4 py-3.5">
      <div className="flex items-start gap-3">
        <span className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-lg bg-zinc-100 text-zinc-600 [&_svg]:size-4">{icon}</span>
        <div className="min-w-0 flex-1">
          <p className="text-[11px] font-medium tracking-wide text-zinc-500 uppercase">{kind}</p>
          <h2 className="truncate text-[15px] font-semibold text-zinc-900">{title}</h2>
        </div>
        {onClose ? (
          <button type="button" onClick={onClose} className="-mr-1 rounded-md p-1.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700" aria-label="Close the panel">
            <X className="size-4" aria-hidden="true" />
          </button>
        ) : null}
      </div>
      {children}
    </div>
  );
}

/** Issues of one target ("trigger" or a step key), keyed by what follows ("props.url", "expression"…). */
export function issuesFor(issues: Issue[], target: string): Map<string, Issue> {
  const map = new Map<string, Issue>();
  for (const issue of issues) {
    if (issue.path === target) map.set('', issue);
    else if (issue.path.startsWith(`${target}.`)) map.set(issue.path.slice(target.length + 1), issue);
  }
  return map;
}

function propIssues(issues: Map<string, Issue>): Map<string, Issue> {
  const map = new Map<string, Issue>();
  for (const [path, issue] of issues) if (path.startsWith('props.')) map.set(path.slice(6).split('.')[0]!, issue);
  return map;
}

/** Step name and key, with the key checked as the server checks it (and renamed everywhere it is read). */
function StepIdentity({ step, definition, onRename, onName, placeholder }: { step: Step; definition: FlowDefinition; onRename: (key: string) => void; onName: (name: string) => void; placeholder: string }) {
  const [key, setKey] = useState(step.key);
  useEffect(() => setKey(step.key), [step.key]);
  const error = checkStepKey(definition, key, step.key);
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field label="Name" hint="Shown on the graph and in runs.">
        <Input value={step.name ?? ''} maxLength={120} placeholder={placeholder} onChange={(e) => onName(e.target.value)} />
      </Field>
      <Field label="Step key" error={key !== step.key ? error : null} hint={error && key !== step.key ? undefined : `Later steps read its output as steps.${step.key}.`}>
        <Input
          value={key}
          maxLength={40}
          spellCheck={false}
          className="font-mono text-[13px]"
          onChange={(e) => {
            setKey(e.target.value);
            if (!checkStepKey(definition, e.target.value, step.key)) onRename(e.target.value);
          }}
          onBlur={() => setKey(step.key)}
        />
      </Field>
    </div>
  );
}

/** Chooses which connector action an action step calls. */
function ActionPicker({ id, catalog, connector, action, onChange }: { id: string; catalog: ConnectorSummary[]; connector: string; action: string; onChange: (connector: string, action: string, name: string) => void }) {
  const withActions = catalog.filter((c) => c.actions.length > 0);
  return (
    <Field id={id} label="Action" required>
      <Select
        value={`${connector}/${action}`}
        onChange={(e) => {
          const [c, a] = e.target.value.split('/') as [string, string];
          const name = withActions.find((x) => x.id === c)?.actions.find((x) => x.key === a)?.name ?? a;
          onChange(c, a, name);
        }}
      >
        {withActions.some((c) => c.id === connector && c.actions.some((a) => a.key === action)) ? null : <option value={`${connector}/${action}`}>{`${connector}.${action} (unknown)`}</option>}
        {withActions.map((c) => (
          <optgroup key={c.id} label={c.name}>
            {c.actions.map((a) => (
              <option key={a.key} value={`${c.id}/${a.key}`}>
                {a.name}
              </option>
            ))}
          </optgroup>
        ))}
      </Select>
    </Field>
  );
}

function StepToolbar({
  definition,
  step,
  onMove,
  onDelete,
  onAddAfter,
}: {
  definition: FlowDefinition;
  step: Step;
  onMove: (delta: -1 | 1) => void;
  onDelete: () => void;
  onAddAfter: (kind: StepKind) => void;
}) {
  const moves = canMove(definition, step.key);
  const [confirming, setConfirming] = useState(false);
  const nested = step.kind === 'branch' ? step.branches.reduce((n, b) => n + b.steps.length, 0) + step.otherwise.length : 0;
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <AddAfterMenu onAdd={onAddAfter} />
      <div className="ml-auto flex items-center gap-1">
        <Button size="sm" variant="ghost" onClick={() => onMove(-1)} disabled={!moves.up} aria-label="Move step up" title="Move up">
          <ArrowUp className="size-4" aria-hidden="true" />
        </Button>
        <Button size="sm" variant="ghost" onClick={() => onMove(1)} disabled={!moves.down} aria-label="Move step down" title="Move down">
          <ArrowDown className="size-4" aria-hidden="true" />
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setConfirming(true)} aria-label="Delete step" title="Delete" className="text-red-600 hover:bg-red-50 hover:text-red-700">
          <Trash2 className="size-4" aria-hidden="true" />
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          onDelete();
        }}
        title={`Delete step ${step.key}?`}
        description={
          nested
            ? `The branch and the ${nested} ${nested === 1 ? 'step' : 'steps'} inside it are removed from the draft. Later steps that read steps.${step.key} will need changing.`
            : `The step is removed from the draft. Later steps that read steps.${step.key} will need changing. Nothing changes for running flows until you publish.`
        }
        confirmLabel="Delete step"
      />
    </div>
  );
}

/** Everything the panel needs from the builder. */
export interface PanelContext {
  definition: FlowDefinition;
  setDefinition: (next: FlowDefinition) => void;
  catalog: ConnectorSummary[];
  manifests: Map<string, ConnectorManifest>;
  issues: Issue[];
  input: SampleInput;
  inputLabel: string;
  sampleChooser: ReactNode;
  onRename: (from: string, to: string) => void;
  onUpdate: (key: string, change: (step: Step) => Step) => void;
  onMove: (key: string, delta: -1 | 1) => void;
  onDelete: (key: string) => void;
  onAdd: (kind: StepKind, at: { afterKey: string } | { container: Container }) => void;
  onClose: () => void;
  webhook: WebhookInfo | null;
  flowId: string;
  published: boolean;
}

/** The side panel of the builder: edits whatever is selected on the graph. */
export function StepPanel({ selection, ctx }: { selection: Selection; ctx: PanelContext }) {
  if (selection.kind === 'trigger') return <TriggerPanel ctx={ctx} />;
  if (selection.kind === 'add') {
    return (
      <div>
        <PanelHeader icon={<Plus />} kind="New step" title="What should happen next?" onClose={ctx.onClose} />
        <div className="px-4 py-4">
          <AddStepChoices onAdd={(kind) => ctx.onAdd(kind, { container: selection.container })} />
        </div>
      </div>
    );
  }
  if (selection.kind === 'flow') return null;
  const step = findStep(ctx.definition.steps, selection.key);
  if (!step) return null;
  return <StepEditor key={step.key} step={step} ctx={ctx} />;
}

function StepEditor({ step, ctx }: { step: Step; ctx: PanelContext }) {
  const issues = issuesFor(ctx.issues, step.key);
  const update = (change: (s: Step) => Step) => ctx.onUpdate(step.key, change);
  const icon = step.kind === 'action' ? <Zap /> : step.kind === 'map' ? <Shuffle /> : step.kind === 'filter' ? <Filter /> : <GitBranch />;
  const title =
    step.name ||
    (step.kind === 'action'
      ? (ctx.catalog.find((c) => c.id === step.connector)?.actions.find((a) => a.key === step.action)?.name ?? step.action)
      : step.kind === 'map'
        ? 'Map data'
        : step.kind === 'filter'
          ? 'Continue only if…'
          : 'Branch');
  const general = issues.get('') ?? issues.get('key');
  return (
    <div>
      <PanelHeader icon={icon} kind={`${kindLabels[step.kind]} step`} title={title} onClose={ctx.onClose}>
        <StepToolbar
          definition={ctx.definition}
          step={step}
          onMove={(d) => ctx.onMove(step.key, d)}
          onDelete={() => ctx.onDelete(step.key)}
          onAddAfter={(kind) => ctx.onAdd(kind, { afterKey: step.key })}
        />
      </PanelHeader>
      <div className="space-y-5 px-4 py-4">
        {general ? <Notice tone="error">{general.message}</Notice> : null}
        <StepIdentity
          step={step}
          definition={ctx.definition}
          placeholder={title}
          onRename={(key) => ctx.onRename(step.key, key)}
          onName={(name) => update((s) => (name ? { ...s, name } : (({ name: _n, ...rest }) => rest as Step)(s)))}
        />
        {step.kind === 'action' ? <ActionFields step={step} ctx={ctx} issues={issues} /> : null}
        {step.kind === 'map' ? (
          <>
            {ctx.sampleChooser}
            <MappingEditor
              label="Output"
              hint={`The result becomes this step’s output; later steps read it as steps.${step.key}.`}
              value={step.expression}
              onChange={(expression) => update((s) => ({ ...s, expression }) as Step)}
              input={ctx.input}
              inputLabel={ctx.inputLabel}
              savedIssue={issues.get('expression') ?? null}
              editorTestId="mapping-expression"
              minLines={6}
            />
          </>
        ) : null}
        {step.kind === 'filter' ? (
          <>
            {ctx.sampleChooser}
            <MappingEditor
              label="Continue only when"
              hint="When the condition is false (or empty), the run ends here as “filtered”."
              kind="condition"
              value={step.expression}
              onChange={(expression) => update((s) => ({ ...s, expression }) as Step)}
              input={ctx.input}
              inputLabel={ctx.inputLabel}
              savedIssue={issues.get('expression') ?? null}
              editorTestId="filter-expression"
              minLines={3}
            />
          </>
        ) : null}
        {step.kind === 'branch' ? <BranchFields step={step} ctx={ctx} issues={issues} /> : null}
      </div>
    </div>
  );
}

function ActionFields({ step, ctx, issues }: { step: Extract<Step, { kind: 'action' }>; ctx: PanelContext; issues: Map<string, Issue> }) {
  const manifest = ctx.manifests.get(step.connector);
  const action = manifest?.actions.find((a) => a.key === step.action);
  const summary = ctx.catalog.find((c) => c.id === step.connector);
  const optional = !!manifest?.auth.some((a) => a.kind === 'none');
  const update = (change: (s: Extract<Step, { kind: 'action' }>) => Extract<Step, { kind: 'action' }>) => ctx.onUpdate(step.key, (s) => change(s as Extract<Step, { kind: 'action' }>));
  return (
    <>
      <ActionPicker
        id={`${step.key}-action`}
        catalog={ctx.catalog}
        connector={step.connector}
        action={step.action}
        onChange={(connector, actionKey) =>
          update((s) => ({ ...s, connector, action: actionKey, props: s.connector === connector && s.action === actionKey ? s.props : {}, connectionId: s.connector === connector ? s.connectionId : null }))
        }
      />
      {action?.description ? <p className="-mt-3 text-[13px] text-zinc-500">{action.description}</p> : null}
      <ConnectionPicker
        id={`${step.key}-connection`}
        connectorId={step.connector}
        connectorName={summary?.name ?? step.connector}
        value={step.connectionId}
        optional={optional}
        error={issues.get('connectionId')?.message}
        onChange={(connectionId) => update((s) => ({ ...s, connectionId }))}
      />
      <section className="space-y-3">
        <div className="flex items-end justify-between gap-3 border-t border-zinc-100 pt-4">
          <div>
            <h3 className="text-[13px] font-semibold text-zinc-900">Settings</h3>
            <p className="text-xs text-zinc-500">Type a fixed value, or switch a field to data from earlier steps.</p>
          </div>
        </div>
        {ctx.sampleChooser}
        {manifest ? (
          <PropsForm
            idPrefix={step.key}
            schema={action?.props as JsonSchema | undefined}
            values={step.props}
            onChange={(props: Record<string, PropValue>) => update((s) => ({ ...s, props }))}
            expressions
            input={ctx.input}
            inputLabel={ctx.inputLabel}
            issues={propIssues(issues)}
          />
        ) : (
          <p className="text-[13px] text-zinc-500">Loading the action’s settings…</p>
        )}
      </section>
      {action ? (
        <details className="group rounded-lg border border-zinc-200">
          <summary className="cursor-pointer px-3 py-2 text-[13px] font-medium text-zinc-700 select-none">Sample output</summary>
          <div className="px-3 pb-3">
            <p className="mb-2 text-xs text-zinc-500">What this action returns; later steps read it as steps.{step.key}.</p>
            <JsonViewer value={action.sample} label={`Sample output of ${step.key}`} redactSecrets={false} />
          </div>
        </details>
      ) : null}
    </>
  );
}

function BranchFields({ step, ctx, issues }: { step: Extract<Step, { kind: 'branch' }>; ctx: PanelContext; issues: Map<string, Issue> }) {
  const update = (change: (s: Extract<Step, { kind: 'branch' }>) => Extract<Step, { kind: 'branch' }>) => ctx.onUpdate(step.key, (s) => change(s as Extract<Step, { kind: 'branch' }>));
  return (
    <section className="space-y-4">
      <p className="text-[13px] text-zinc-500">The run takes the first branch whose condition is true; when none is, it takes “Otherwise”.</p>
      {ctx.sampleChooser}
      {step.branches.map((branch, index) => (
        <div key={index} className="space-y-3 rounded-lg border border-zinc-200 p-3">
          <div className="flex items-end gap-2">
            <Field label={`Branch ${index + 1} name`} className="flex-1">
              <Input
                value={branch.name ?? ''}
                maxLength={120}
                onChange={(e) => update((s) => ({ ...s, branches: s.branches.map((b, i) => (i === index ? { ...b, name: e.target.value } : b)) }))}
              />
            </Field>
            <Button
              size="md"
              variant="ghost"
              disabled={step.branches.length <= 1}
              onClick={() => update((s) => ({ ...s, branches: s.branches.filter((_, i) => i !== index) }))}
              aria-label={`Remove branch ${branch.name || index + 1}`}
              title={step.branches.length <= 1 ? 'A branch step needs at least one branch' : 'Remove this branch and its steps'}
              className="text-zinc-500"
            >
              <Trash2 className="size-4" aria-hidden="true" />
            </Button>
          </div>
          <MappingEditor
            label="Take this branch when"
            kind="condition"
            value={branch.when}
            onChange={(when) => update((s) => ({ ...s, branches: s.branches.map((b, i) => (i === index ? { ...b, when } : b)) }))}
            input={ctx.input}
            inputLabel={ctx.inputLabel}
            savedIssue={issues.get(`branches[${index}].when`) ?? null}
            minLines={2}
            showFields={false}
          />
          <p className="text-xs text-zinc-500">
            {branch.steps.length} {branch.steps.length === 1 ? 'step' : 'steps'} in this branch; add them on the graph.
          </p>
        </div>
      ))}
      <Button
        variant="secondary"
        size="sm"
        icon={<Plus className="size-4" aria-hidden="true" />}
        disabled={step.branches.length >= 20}
        onClick={() => update((s) => ({ ...s, branches: [...s.branches, { name: `Branch ${s.branches.length + 1}`, when: 'true', steps: [] }] }))}
      >
        Add a branch
      </Button>
    </section>
  );
}

function TriggerPanel({ ctx }: { ctx: PanelContext }) {
  const trigger = ctx.definition.trigger;
  const issues = issuesFor(ctx.issues, 'trigger');
  const manifest = ctx.manifests.get(trigger.connector);
  const spec = manifest?.triggers.find((t) => t.key === trigger.trigger);
  const summary = ctx.catalog.find((c) => c.id === trigger.connector);
  const needsConnection = !!manifest && !manifest.auth.some((a) => a.kind === 'none');
  const withTriggers = ctx.catalog.filter((c) => c.triggers.length > 0);
  const set = (next: Partial<FlowDefinition['trigger']>) => ctx.setDefinition({ ...ctx.definition, trigger: { ...trigger, ...next } });
  return (
    <div>
      <PanelHeader icon={<Zap />} kind="Trigger" title={spec?.name ?? `${trigger.connector}.${trigger.trigger}`} onClose={ctx.onClose} />
      <div className="space-y-5 px-4 py-4">
        {issues.get('connector') || issues.get('trigger') ? <Notice tone="error">{(issues.get('connector') ?? issues.get('trigger'))!.message}</Notice> : null}
        <Field id="trigger-kind" label="Starts when" required hint={spec?.description}>
          <Select
            value={`${trigger.connector}/${trigger.trigger}`}
            onChange={(e) => {
              const [connector, key] = e.target.value.split('/') as [string, string];
              set({ connector, trigger: key, props: {}, connectionId: null });
            }}
          >
            {withTriggers.map((c) => (
              <optgroup key={c.id} label={c.name}>
                {c.triggers.map((t) => (
                  <option key={t.key} value={`${c.id}/${t.key}`}>
                    {t.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </Select>
        </Field>
        {trigger.connector === 'webhook' ? <WebhookPanel webhook={ctx.webhook} flowId={ctx.flowId} published={ctx.published} /> : null}
        {needsConnection ? (
          <ConnectionPicker
            id="trigger-connection"
            connectorId={trigger.connector}
            connectorName={summary?.name ?? trigger.connector}
            value={trigger.connectionId}
            optional={false}
            error={issues.get('connectionId')?.message}
            onChange={(connectionId) => set({ connectionId })}
          />
        ) : null}
        <section className="space-y-3 border-t border-zinc-100 pt-4">
          <h3 className="text-[13px] font-semibold text-zinc-900">Settings</h3>
          {manifest ? (
            <PropsForm
              idPrefix="trigger"
              schema={spec?.props as JsonSchema | undefined}
              values={trigger.props as Record<string, PropValue>}
              onChange={(props) => set({ props: props as FlowDefinition['trigger']['props'] })}
              issues={propIssues(issues)}
            />
          ) : (
            <p className="text-[13px] text-zinc-500">Loading…</p>
          )}
        </section>
        {spec ? (
          <details className="rounded-lg border border-zinc-200">
            <summary className="cursor-pointer px-3 py-2 text-[13px] font-medium text-zinc-700 select-none">Sample event</summary>
            <div className="px-3 pb-3">
              <p className="mb-2 text-xs text-zinc-500">What an event looks like; steps read it as trigger.</p>
              <JsonViewer value={spec.sample} label="Sample event" redactSecrets={false} />
            </div>
          </details>
        ) : null}
      </div>
    </div>
  );
}

/** Flow-level settings shown when nothing is selected: name, description and the business key. */
export function FlowSettingsPanel({
  name,
  description,
  onName,
  onDescription,
  businessKey,
  onBusinessKey,
  input,
  inputLabel,
  issue,
  sampleChooser,
}: {
  name: string;
  description: string;
  onName: (v: string) => void;
  onDescription: (v: string) => void;
  businessKey: string;
  onBusinessKey: (v: string) => void;
  input: unknown;
  inputLabel: string;
  issue: Issue | null;
  sampleChooser: ReactNode;
}) {
  const [useKey, setUseKey] = useState(!!businessKey);
  return (
    <div>
      <PanelHeader icon={<Zap />} kind="Flow" title={name || 'Untitled flow'} />
      <div className="space-y-5 px-4 py-4">
        <p className="text-[13px] text-zinc-500">Select the trigger or a step on the graph to edit it.</p>
        <Field label="Flow name" required error={name.trim() ? null : 'Name the flow'}>
          <Input value={name} maxLength={120} onChange={(e) => onName(e.target.value)} />
        </Field>
        <Field label="Description" hint="What the flow is for, for your teammates.">
          <Input value={description} maxLength={2000} onChange={(e) => onDescription(e.target.value)} />
        </Field>
        <section className="space-y-3 border-t border-zinc-100 pt-4">
          <label className="flex items-start gap-2.5">
            <input
              type="checkbox"
              checked={useKey}
              onChange={(e) => {
                setUseKey(e.target.checked);
                if (!e.target.checked) onBusinessKey('');
                else if (!businessKey) onBusinessKey('trigger.id');
              }}
              className="mt-0.5 size-4 rounded border-zinc-300 text-indigo-600 focus:ring-indigo-500"
            />
            <span>
              <span className="block text-[13px] font-medium text-zinc-800">Search runs by a business key</span>
              <span className="block text-xs text-zinc-500">E.g. the order id: find this flow’s runs by it on the Runs page.</span>
            </span>
          </label>
          {useKey ? (
            <>
              {sampleChooser}
              <MappingEditor label="Business key" value={businessKey} onChange={onBusinessKey} input={input} inputLabel={inputLabel} savedIssue={issue} minLines={1} />
            </>
          ) : null}
        </section>
      </div>
    </div>
  );
}

/** Where a container lives, for the "add" panel title. */
export function describeContainer(definition: FlowDefinition, container: Container): string {
  if (container.kind === 'root') return 'the end of the flow';
  const owner = findStep(definition.steps, container.stepKey);
  if (!owner || owner.kind !== 'branch') return 'the branch';
  return container.kind === 'otherwise' ? `“Otherwise” of ${owner.key}` : `“${owner.branches[container.index]?.name ?? `Branch ${container.index + 1}`}” of ${owner.key}`;
}

