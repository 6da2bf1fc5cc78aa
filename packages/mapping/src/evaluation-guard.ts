import { AsyncLocalStorage } from 'node:async_hooks';
import type jsonata from 'jsonata';

// JSONata evaluates asynchronously but never yields to timers (every await is on an already-settled promise), so
// a setTimeout can neither fire nor interrupt it: limits must be checked from inside the evaluation, on JSONata's
// evaluate entry/exit hooks.
//
// Depth cannot be a plain counter of evaluations in flight. JSONata evaluates array constructors and the fields of
// an object constructor with Promise.all, so a flat 300-field mapping has ~600 evaluations in flight at once and
// would trip any sensible limit. What the limit is for is nesting (runaway non-tail recursion), so each evaluation
// records its own parent and depth. The parent is found through AsyncLocalStorage: the hook runs synchronously in
// the caller's async context, and the store it sets there is captured by the evaluation's own await, so every
// later step of that evaluation, and whatever it calls, sees it.
//
// That store also leaks back into the caller for the rest of the caller's synchronous step (enterWith has no
// "undo"), and later the caller resumes from an await that captured it. Both cases are recognisable: the leaked
// frame either has not started running yet (the caller is still in the synchronous step that launched it) or has
// already finished (the caller resumed after it). Walking up past such frames gives the true parent.

/** Limits of one evaluation. */
export interface GuardLimits {
  timeoutMs: number;
  maxDepth: number;
}

/** Why a guarded evaluation was stopped, with the expression node it was evaluating at the time. */
export interface GuardTrip {
  reason: 'TIMEOUT' | 'DEPTH';
  /** The syntax-tree node being evaluated; it may come from a string passed to $eval rather than the mapping. */
  node: object;
}

interface Budget {
  readonly deadline: number;
  readonly limits: GuardLimits;
  trip?: GuardTrip;
}

interface Frame {
  readonly parent: Frame | undefined;
  readonly depth: number;
  readonly budget: Budget;
  started: boolean;
  finished: boolean;
}

const frames = new AsyncLocalStorage<Frame>();
const settled = Promise.resolve();

// A thrown value that JSONata passes through untouched (it only decorates errors with a position); the evaluation
// reads the budget's trip afterwards, because $eval re-wraps errors thrown inside it.
class GuardStop {
  constructor(readonly trip: GuardTrip) {}
}

function currentFrame(): Frame | undefined {
  let frame = frames.getStore();
  while (frame?.parent && (frame.finished || !frame.started)) frame = frame.parent;
  return frame;
}

function stop(budget: Budget, reason: GuardTrip['reason'], node: object): never {
  budget.trip ??= { reason, node };
  throw new GuardStop(budget.trip);
}

function onEntry(node: object): Promise<void> | undefined {
  const parent = currentFrame();
  // Evaluations outside runGuarded (none in this package) run unguarded rather than fail.
  if (parent === undefined) return undefined;
  const { budget } = parent;
  // Once tripped, every branch still running (Promise.all keeps siblings going) stops at its next step.
  if (budget.trip) throw new GuardStop(budget.trip);
  if (performance.now() > budget.deadline) stop(budget, 'TIMEOUT', node);
  const frame: Frame = { parent, depth: parent.depth + 1, budget, started: false, finished: false };
  if (frame.depth > budget.limits.maxDepth) stop(budget, 'DEPTH', node);
  frames.enterWith(frame);
  // JSONata awaits this hook; the callback runs right before the evaluation resumes, i.e. when it starts running.
  return settled.then(() => {
    frame.started = true;
  });
}

function onExit(node: object): void {
  const frame = currentFrame();
  if (frame === undefined || frame.parent === undefined) return;
  frame.finished = true;
  if (frame.budget.trip) throw new GuardStop(frame.budget.trip);
  if (performance.now() > frame.budget.deadline) stop(frame.budget, 'TIMEOUT', node);
}

/** Installs the guard's hooks on a compiled expression; they act only inside runGuarded. */
export function installGuard(expression: jsonata.Expression): void {
  expression.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, onEntry);
  expression.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, onExit);
}

/** Outcome of a guarded evaluation: its value, or what it threw and the trip that stopped it, if any. */
export type GuardedOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown; trip?: GuardTrip };

/** Runs `evaluate` (a JSONata evaluation of an expression with the guard installed) within the limits. */
export async function runGuarded<T>(limits: GuardLimits, evaluate: () => Promise<T>): Promise<GuardedOutcome<T>> {
  const budget: Budget = { deadline: performance.now() + limits.timeoutMs, limits };
  const root: Frame = { parent: undefined, depth: 0, budget, started: true, finished: false };
  try {
    const value = await frames.run(root, evaluate);
    return { ok: true, value };
  } catch (error) {
    return budget.trip ? { ok: false, error, trip: budget.trip } : { ok: false, error };
  }
}
