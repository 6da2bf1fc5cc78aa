/**
 * A structural diff of two flow definitions (the published version and the draft), for the publish
 * confirmation: which steps are added, removed, changed or moved, and which of their settings changed.
 */
import { flatSteps, isExpression, type FlowDefinition, type Step } from './definition';

/** One line of the diff. */
export interface DiffEntry {
  change: 'added' | 'removed' | 'changed' | 'moved';
  /** `trigger`, `flow` (flow-level settings) or a step key. */
  target: string;
  /** What the entry is about, e.g. "Step sendOrder (Action)". */
  label: string;
  /** The changed settings, e.g. `url: "https://a…" → "https://b…"`. */
  details: string[];
}

const MAX_VALUE_CHARS = 60;

/** A short, readable rendering of a value for a diff line. */
export function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (isExpression(value)) return `expression ${show(value.expr)}`;
  const text = typeof value === 'string' ? JSON.stringify(value.replace(/\s+/g, ' ')) : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

const same = (a: unknown, b: unknown) => stable(a) === stable(b);

function stable(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function propsDiff(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    if (same(before[name], after[name])) continue;
    if (!(name in before)) out.push(`${prefix}${name} set to ${show(after[name])}`);
    else if (!(name in after)) out.push(`${prefix}${name} removed (was ${show(before[name])})`);
    else out.push(`${prefix}${name}: ${show(before[name])} → ${show(after[name])}`);
  }
  return out;
}

const kindName: Record<Step['kind'], string> = { action: 'Action', map: 'Map', filter: 'Filter', branch: 'Branch' };
const labelOf = (step: Step) => (step.name ? `${step.name} (${kindName[step.kind]} ${step.key})` : `${kindName[step.kind]} ${step.key}`);

function stepDiff(before: Step, after: Step): string[] {
  const out: string[] = [];
  if (before.kind !== after.kind) return [`kind: ${kindName[before.kind]} → ${kindName[after.kind]}`];
  if ((before.name ?? '') !== (after.name ?? '')) out.push(`name: ${show(before.name ?? '')} → ${show(after.name ?? '')}`);
  if (before.kind === 'action' && after.kind === 'action') {
    if (before.connector !== after.connector || before.action !== after.action) out.push(`action: ${before.connector}.${before.action} → ${after.connector}.${after.action}`);
    if ((before.connectionId ?? null) !== (after.connectionId ?? null)) out.push(after.connectionId ? (before.connectionId ? 'connection changed' : 'connection chosen') : 'connection removed');
    out.push(...propsDiff(before.props, after.props, 'setting '));
  }
  if ((before.kind === 'map' || before.kind === 'filter') && (after.kind === 'map' || after.kind === 'filter') && before.expression !== after.expression) {
    out.push(`expression: ${show(before.expression)} → ${show(after.expression)}`);
  }
  if (before.kind === 'branch' && after.kind === 'branch') {
    const count = Math.max(before.branches.length, after.branches.length);
    for (let i = 0; i < count; i++) {
      const b = before.branches[i];
      const a = after.branches[i];
      const name = a?.name ?? b?.name ?? `Branch ${i + 1}`;
      if (!b) out.push(`branch “${name}” added (when ${show(a!.when)})`);
      else if (!a) out.push(`branch “${name}” removed`);
      else {
        if ((b.name ?? '') !== (a.name ?? '')) out.push(`branch ${i + 1} renamed: ${show(b.name ?? '')} → ${show(a.name ?? '')}`);
        if (b.when !== a.when) out.push(`branch “${name}” condition: ${show(b.when)} → ${show(a.when)}`);
        const bk = b.steps.map((s) => s.key).join(',');
        const ak = a.steps.map((s) => s.key).join(',');
        if (bk !== ak) out.push(`branch “${name}” steps: [${bk}] → [${ak}]`);
      }
    }
    const bo = before.otherwise.map((s) => s.key).join(',');
    const ao = after.otherwise.map((s) => s.key).join(',');
    if (bo !== ao) out.push(`otherwise steps: [${bo}] → [${ao}]`);
  }
  return out;
}

/**
 * Where each kept step sits: its enclosing list and its index among the kept steps of that list, so that
 * adding or removing a neighbour does not count as moving a step.
 */
function positions(steps: Step[], keep: Set<string>, parent = 'root'): Map<string, string> {
  const out = new Map<string, string>();
  steps
    .filter((s) => keep.has(s.key))
    .forEach((step, i) => out.set(step.key, `${parent}#${i}`));
  for (const step of steps) {
    if (step.kind !== 'branch') continue;
    step.branches.forEach((b, bi) => positions(b.steps, keep, `${step.key}.b${bi}`).forEach((v, k) => out.set(k, v)));
    positions(step.otherwise, keep, `${step.key}.o`).forEach((v, k) => out.set(k, v));
  }
  return out;
}

/**
 * What publishing `after` over `before` changes; `before` null means nothing is published yet (everything
 * is added). Steps are matched by key, so a renamed step shows as removed + added.
 */
export function diffDefinitions(before: FlowDefinition | null, after: FlowDefinition): DiffEntry[] {
  const entries: DiffEntry[] = [];
  const afterSteps = flatSteps(after.steps);
  if (!before) {
    entries.push({ change: 'added', target: 'trigger', label: `Trigger ${after.trigger.connector}.${after.trigger.trigger}`, details: propsDiff({}, after.trigger.props, 'setting ') });
    for (const step of afterSteps) entries.push({ change: 'added', target: step.key, label: labelOf(step), details: [] });
    return entries;
  }
  const t = { before: before.trigger, after: after.trigger };
  const triggerDetails: string[] = [];
  if (t.before.connector !== t.after.connector || t.before.trigger !== t.after.trigger) triggerDetails.push(`trigger: ${t.before.connector}.${t.before.trigger} → ${t.after.connector}.${t.after.trigger}`);
  if ((t.before.connectionId ?? null) !== (t.after.connectionId ?? null)) triggerDetails.push('connection changed');
  triggerDetails.push(...propsDiff(t.before.props ?? {}, t.after.props ?? {}, 'setting '));
  if (triggerDetails.length) entries.push({ change: 'changed', target: 'trigger', label: 'Trigger', details: triggerDetails });
  if ((before.businessKey ?? '') !== (after.businessKey ?? '')) {
    entries.push({ change: 'changed', target: 'flow', label: 'Business key', details: [`${show(before.businessKey)} → ${show(after.businessKey)}`] });
  }

  const beforeSteps = new Map(flatSteps(before.steps).map((s) => [s.key, s]));
  const afterKeys = new Set(afterSteps.map((s) => s.key));
  const common = new Set([...beforeSteps.keys()].filter((k) => afterKeys.has(k)));
  const beforePos = positions(before.steps, common);
  const afterPos = positions(after.steps, common);
  for (const step of flatSteps(before.steps)) {
    if (!afterKeys.has(step.key)) entries.push({ change: 'removed', target: step.key, label: labelOf(step), details: [] });
  }
  for (const step of afterSteps) {
    const old = beforeSteps.get(step.key);
    if (!old) {
      entries.push({ change: 'added', target: step.key, label: labelOf(step), details: [] });
      continue;
    }
    const details = stepDiff(old, step);
    if (details.length) entries.push({ change: 'changed', target: step.key, label: labelOf(step), details });
    else if (beforePos.get(step.key) !== afterPos.get(step.key)) entries.push({ change: 'moved', target: step.key, label: labelOf(step), details: [] });
  }
  return entries;
}
