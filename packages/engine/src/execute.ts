import type { ActionContext, ConnectorDefinition } from '@conflux/connector-sdk';
import type { FlowDefinition, PropValue, Step } from './definition.ts';
import { classifyError, StepError, type ClassifiedError } from './classify.ts';

/** Evaluates a JSONata expression against the run's data (packages/mapping, with its limits). */
export type Evaluate = (expression: string, input: unknown) => Promise<unknown>;

/** The data expressions see: `trigger` is the event payload, `steps.<key>` each earlier step's output. */
export interface RunData {
  trigger: unknown;
  steps: Record<string, unknown>;
}

/** Where the engine persists progress; core implements it on the tenant gate. */
export interface StepHooks {
  onStepStart(step: { key: string; kind: Step['kind']; input: unknown }): Promise<void>;
  onStepSuccess(step: { key: string; kind: Step['kind']; input: unknown; output: unknown; durationMs: number }): Promise<void>;
  onStepFailure(step: { key: string; kind: Step['kind']; input: unknown; error: ClassifiedError; durationMs: number }): Promise<void>;
}

/** What the engine needs from the platform. */
export interface ExecuteDeps {
  getConnector(id: string): ConnectorDefinition | undefined;
  evaluate: Evaluate;
  /** Everything of an action's context but its props: decrypted auth, guarded fetch, store, logger. */
  actionContext(step: Extract<Step, { kind: 'action' }>, connector: ConnectorDefinition): Promise<Omit<ActionContext<unknown>, 'props' | 'idempotencyKey' | 'run' | 'signal'>>;
  /** Largest step output kept (serialized JSON); larger outputs fail the step permanently. */
  maxOutputBytes?: number;
}

/** Parameters of one execution attempt of a run. */
export interface ExecuteParams {
  definition: FlowDefinition;
  trigger: unknown;
  run: { id: string; flowId: string; attempt: number; idempotencyRoot: string };
  /** Outputs of steps that already succeeded (checkpoints): they are not run again. */
  completed: Record<string, unknown>;
  hooks: StepHooks;
  deps: ExecuteDeps;
  signal: AbortSignal;
}

/** How an attempt ended. */
export type ExecuteResult =
  | { status: 'succeeded'; data: RunData }
  | { status: 'filtered'; data: RunData; stepKey: string }
  | { status: 'failed'; stepKey: string; error: ClassifiedError };

async function resolveProps(props: Record<string, PropValue>, data: RunData, evaluate: Evaluate): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && 'expr' in value && typeof value.expr === 'string') {
      out[name] = await evaluate(value.expr, data);
    } else {
      out[name] = value;
    }
  }
  return out;
}

type StepOutcome = { kind: 'continue' } | { kind: 'filtered'; stepKey: string } | { kind: 'failed'; stepKey: string; error: ClassifiedError };

/**
 * Runs a flow's steps in order — a dispatch on step kind — skipping those already checkpointed, so a
 * retry resumes at the step that failed. Every action gets the idempotency key `<run>:<stepKey>`, where
 * <run> is the original run for replays, so a vendor sees the same key however often a step runs.
 */
export async function executeFlow(params: ExecuteParams): Promise<ExecuteResult> {
  const data: RunData = { trigger: params.trigger, steps: { ...params.completed } };

  const handlers: { [K in Step['kind']]: (step: Extract<Step, { kind: K }>) => Promise<{ input: unknown; output: unknown; filtered?: boolean; next?: Step[] }> } = {
    map: async (step) => ({ input: null, output: await params.deps.evaluate(step.expression, data) }),
    filter: async (step) => {
      const value = await params.deps.evaluate(step.expression, data);
      const pass = Boolean(value);
      return { input: null, output: { passed: pass }, filtered: !pass };
    },
    branch: async (step) => {
      for (const [index, branch] of step.branches.entries()) {
        if (await params.deps.evaluate(branch.when, data)) return { input: null, output: { branch: branch.name ?? index }, next: branch.steps };
      }
      return { input: null, output: { branch: 'otherwise' }, next: step.otherwise };
    },
    action: async (step) => {
      const connector = params.deps.getConnector(step.connector);
      if (!connector) throw new StepError('UNKNOWN_CONNECTOR', `The connector "${step.connector}" is not installed`);
      const action = connector.actions[step.action];
      if (!action) throw new StepError('UNKNOWN_ACTION', `The connector "${connector.name}" has no action "${step.action}"`);
      const resolved = await resolveProps(step.props, data, params.deps.evaluate);
      const props = action.props.parse(resolved);
      const context = await params.deps.actionContext(step, connector);
      const output = await action.run({
        ...context,
        props,
        idempotencyKey: `${params.run.idempotencyRoot}:${step.key}`,
        signal: params.signal,
        run: { id: params.run.id, stepKey: step.key, attempt: params.run.attempt, flowId: params.run.flowId },
      });
      return { input: props, output: output ?? null };
    },
  };

  const runSteps = async (steps: Step[]): Promise<StepOutcome> => {
    for (const step of steps) {
      if (params.signal.aborted) return { kind: 'failed', stepKey: step.key, error: classifyError(params.signal.reason ?? new DOMException('aborted', 'AbortError')) };
      if (step.key in params.completed && step.kind !== 'branch') {
        continue;
      }
      const started = performance.now();
      await params.hooks.onStepStart({ key: step.key, kind: step.kind, input: null });
      let result: { input: unknown; output: unknown; filtered?: boolean; next?: Step[] };
      try {
        result = await (handlers[step.kind] as (s: Step) => Promise<typeof result>)(step);
        const limit = params.deps.maxOutputBytes;
        if (limit) {
          const size = Buffer.byteLength(JSON.stringify(result.output ?? null));
          if (size > limit) throw new StepError('OUTPUT_TOO_LARGE', `The step's output is ${(size / 1e6).toFixed(1)} MB; at most ${(limit / 1e6).toFixed(1)} MB can be kept`);
        }
      } catch (error) {
        const classified = classifyError(error);
        await params.hooks.onStepFailure({ key: step.key, kind: step.kind, input: null, error: classified, durationMs: Math.round(performance.now() - started) });
        return { kind: 'failed', stepKey: step.key, error: classified };
      }
      data.steps[step.key] = result.output;
      await params.hooks.onStepSuccess({ key: step.key, kind: step.kind, input: result.input, output: result.output, durationMs: Math.round(performance.now() - started) });
      if (result.filtered) return { kind: 'filtered', stepKey: step.key };
      if (result.next) {
        const nested = await runSteps(result.next);
        if (nested.kind !== 'continue') return nested;
      }
    }
    return { kind: 'continue' };
  };

  const outcome = await runSteps(params.definition.steps);
  if (outcome.kind === 'failed') return { status: 'failed', stepKey: outcome.stepKey, error: outcome.error };
  if (outcome.kind === 'filtered') return { status: 'filtered', data, stepKey: outcome.stepKey };
  return { status: 'succeeded', data };
}
