/**
 * The flow definition as the builder edits it, and the tree operations on its steps. Steps are addressed by
 * their key (unique in a flow, nested ones included), so every operation is "find the list holding this key".
 */
import type { FlowDefinition, PropValue, Step } from '@conflux/engine';

export type { FlowDefinition, PropValue, Step };
/** A step kind. */
export type StepKind = Step['kind'];
/** The trigger of a flow. */
export type Trigger = FlowDefinition['trigger'];
/** A branch of a branch step. */
export type Branch = Extract<Step, { kind: 'branch' }>['branches'][number];

/** Where a list of steps lives: the flow's top level, a branch of a branch step, or its "otherwise" path. */
export type Container = { kind: 'root' } | { kind: 'branch'; stepKey: string; index: number } | { kind: 'otherwise'; stepKey: string };

export const STEP_KEY_PATTERN = /^[a-z][a-zA-Z0-9_]{0,39}$/;

/** A readable form of a container for ids and labels. */
export function containerId(container: Container): string {
  if (container.kind === 'root') return 'root';
  if (container.kind === 'branch') return `${container.stepKey}:${container.index}`;
  return `${container.stepKey}:otherwise`;
}

/** Every step in execution order, nested ones included. */
export function flatSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => (s.kind === 'branch' ? [s, ...s.branches.flatMap((b) => flatSteps(b.steps)), ...flatSteps(s.otherwise)] : [s]));
}

/** The step with this key, anywhere in the tree. */
export function findStep(steps: Step[], key: string): Step | undefined {
  return flatSteps(steps).find((s) => s.key === key);
}

/** The list (and position) holding a step, with its container. */
export function locate(steps: Step[], key: string, container: Container = { kind: 'root' }): { list: Step[]; index: number; container: Container } | null {
  const index = steps.findIndex((s) => s.key === key);
  if (index >= 0) return { list: steps, index, container };
  for (const step of steps) {
    if (step.kind !== 'branch') continue;
    for (let i = 0; i < step.branches.length; i++) {
      const found = locate(step.branches[i]!.steps, key, { kind: 'branch', stepKey: step.key, index: i });
      if (found) return found;
    }
    const found = locate(step.otherwise, key, { kind: 'otherwise', stepKey: step.key });
    if (found) return found;
  }
  return null;
}

/** The steps whose output a step can read: those that ran before it on its path (earlier siblings, and those of enclosing lists). */
export function earlierSteps(steps: Step[], key: string | null): Step[] {
  const out: Step[] = [];
  const walk = (list: Step[]): boolean => {
    for (const step of list) {
      if (step.key === key) return true;
      if (step.kind === 'branch') {
        out.push(step);
        for (const b of step.branches) {
          const mark = out.length;
          if (walk(b.steps)) return true;
          out.length = mark;
        }
        const mark = out.length;
        if (walk(step.otherwise)) return true;
        out.length = mark;
        continue;
      }
      out.push(step);
    }
    return false;
  };
  walk(steps);
  return out;
}

/** The steps list of a container (a copy-free reference into `steps`). */
function listOf(steps: Step[], container: Container): Step[] | null {
  if (container.kind === 'root') return steps;
  const owner = findStep(steps, container.stepKey);
  if (!owner || owner.kind !== 'branch') return null;
  if (container.kind === 'otherwise') return owner.otherwise;
  return owner.branches[container.index]?.steps ?? null;
}

/** A deep copy of a definition, so edits never touch the previous state. */
export function cloneDefinition(definition: FlowDefinition): FlowDefinition {
  return structuredClone(definition);
}

/** Inserts a step right after `afterKey` (in the same list), or at the start of `container`. */
export function insertStep(definition: FlowDefinition, step: Step, at: { afterKey: string } | { container: Container }): FlowDefinition {
  const next = cloneDefinition(definition);
  if ('afterKey' in at) {
    const found = locate(next.steps, at.afterKey);
    if (!found) return definition;
    found.list.splice(found.index + 1, 0, step);
  } else {
    const list = listOf(next.steps, at.container);
    if (!list) return definition;
    list.push(step);
  }
  return next;
}

/** Removes a step (a branch step with everything inside it). */
export function removeStep(definition: FlowDefinition, key: string): FlowDefinition {
  const next = cloneDefinition(definition);
  const found = locate(next.steps, key);
  if (found) found.list.splice(found.index, 1);
  return next;
}

/** Moves a step one place up (-1) or down (+1) within its list. */
export function moveStep(definition: FlowDefinition, key: string, delta: -1 | 1): FlowDefinition {
  const next = cloneDefinition(definition);
  const found = locate(next.steps, key);
  if (!found) return definition;
  const target = found.index + delta;
  if (target < 0 || target >= found.list.length) return definition;
  const [step] = found.list.splice(found.index, 1);
  found.list.splice(target, 0, step!);
  return next;
}

/** Whether a step can move up / down within its list. */
export function canMove(definition: FlowDefinition, key: string): { up: boolean; down: boolean } {
  const found = locate(definition.steps, key);
  if (!found) return { up: false, down: false };
  return { up: found.index > 0, down: found.index < found.list.length - 1 };
}

/** Replaces a step (looked up by its current key) with the result of `change`. */
export function updateStep(definition: FlowDefinition, key: string, change: (step: Step) => Step): FlowDefinition {
  const next = cloneDefinition(definition);
  const found = locate(next.steps, key);
  if (!found) return definition;
  found.list[found.index] = change(found.list[found.index]!);
  return next;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Renames a step and rewrites `steps.<old>` in every expression of the flow, so references keep working. */
export function renameStep(definition: FlowDefinition, from: string, to: string): FlowDefinition {
  const next = updateStep(definition, from, (s) => ({ ...s, key: to }));
  const pattern = new RegExp(`(\\bsteps\\s*\\.\\s*)${escapeRegExp(from)}\\b`, 'g');
  const rewrite = (expression: string) => expression.replace(pattern, `$1${to}`);
  for (const step of flatSteps(next.steps)) {
    if (step.kind === 'map' || step.kind === 'filter') step.expression = rewrite(step.expression);
    if (step.kind === 'branch') for (const b of step.branches) b.when = rewrite(b.when);
    if (step.kind === 'action') {
      for (const [name, value] of Object.entries(step.props)) {
        if (isExpression(value)) step.props[name] = { expr: rewrite(value.expr) };
      }
    }
  }
  if (next.businessKey) next.businessKey = rewrite(next.businessKey);
  return next;
}

/** Whether a prop value is an expression (`{ expr }`) rather than a literal. */
export function isExpression(value: unknown): value is { expr: string } {
  return !!value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { expr?: unknown }).expr === 'string' && Object.keys(value).length === 1;
}

/** Checks a step key as the server does, plus uniqueness; null when fine. */
export function checkStepKey(definition: FlowDefinition, key: string, currentKey: string | null): string | null {
  if (!key) return 'Give the step a key.';
  if (!STEP_KEY_PATTERN.test(key)) return 'Use camelCase letters, digits and underscores, starting with a lower-case letter (at most 40).';
  if (key !== currentKey && flatSteps(definition.steps).some((s) => s.key === key)) return `Another step already uses the key “${key}”.`;
  return null;
}

/** A camelCase key from words ("Send an HTTP request" → "sendAnHttpRequest"), made unique with a number. */
export function uniqueKey(definition: FlowDefinition, base: string): string {
  const words = base
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 4);
  let stem = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('') || 'step';
  if (!/^[a-z]/.test(stem)) stem = `step${stem}`;
  stem = stem.slice(0, 36);
  const taken = new Set(flatSteps(definition.steps).map((s) => s.key));
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}${n}`)) return `${stem}${n}`;
}

/** A new step of a kind with sensible defaults, keyed uniquely in the flow. */
export function newStep(definition: FlowDefinition, kind: StepKind, action?: { connector: string; action: string; name: string }): Step {
  switch (kind) {
    case 'action': {
      const a = action ?? { connector: 'http', action: 'request', name: 'HTTP request' };
      return { kind: 'action', key: uniqueKey(definition, a.name), connector: a.connector, action: a.action, connectionId: null, props: {} };
    }
    case 'map':
      return { kind: 'map', key: uniqueKey(definition, 'map data'), expression: '{\n  "id": trigger.id\n}' };
    case 'filter':
      return { kind: 'filter', key: uniqueKey(definition, 'only if'), expression: 'trigger.id != null' };
    case 'branch':
      return { kind: 'branch', key: uniqueKey(definition, 'route'), branches: [{ name: 'Branch 1', when: 'true', steps: [] }], otherwise: [] };
  }
}

/** What a step kind is called in the UI. */
export const kindLabels: Record<StepKind, string> = { action: 'Action', map: 'Map', filter: 'Filter', branch: 'Branch' };

/** A definition from whatever the API returned, with the defaults the server applies filled in. */
export function normalizeDefinition(raw: unknown): FlowDefinition {
  const d = (raw ?? {}) as Partial<FlowDefinition>;
  return {
    trigger: { connector: d.trigger?.connector ?? 'webhook', trigger: d.trigger?.trigger ?? 'catchHook', connectionId: d.trigger?.connectionId ?? null, props: d.trigger?.props ?? {} },
    steps: (d.steps ?? []) as Step[],
    ...(d.businessKey ? { businessKey: d.businessKey } : {}),
  };
}

/**
 * Turns a structural path of the definition (as the server's schema reports it, e.g.
 * "steps.1.branches.0.steps.2.expression") into the builder's form ("<stepKey>.expression").
 */
export function issuePathToKey(definition: FlowDefinition, path: string): string {
  const parts = path.split('.');
  if (parts[0] !== 'steps') return path;
  let list: Step[] | undefined = definition.steps;
  let step: Step | undefined;
  let i = 1;
  while (list && i < parts.length) {
    step = list[Number(parts[i])];
    i++;
    if (!step) return path;
    if (step.kind === 'branch' && parts[i] === 'branches' && parts[i + 2] === 'steps') {
      list = step.branches[Number(parts[i + 1])]?.steps;
      i += 3;
    } else if (step.kind === 'branch' && parts[i] === 'otherwise') {
      list = step.otherwise;
      i += 1;
    } else break;
  }
  if (!step) return path;
  const rest = parts.slice(i).join('.');
  return rest ? `${step.key}.${rest}` : step.key;
}
