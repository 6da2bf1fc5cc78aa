import { describe, expect, it } from 'vitest';
import { ConnectorError, defineAction, defineConnector, z } from '@conflux/connector-sdk';
import { executeFlow, type ExecuteDeps, type StepHooks } from './execute.ts';
import { backoffMs, classifyError, defaultRetryPolicy } from './classify.ts';
import { flowDefinitionSchema, type FlowDefinition } from './definition.ts';

const calls: { key: string; props: unknown }[] = [];
let failWith: Error | undefined;
const echo = defineConnector({
  id: 'echo',
  name: 'Echo',
  version: '1.0.0',
  description: 'test',
  categories: ['test'],
  auth: [{ kind: 'none' }],
  egress: { hosts: ['*'] },
  triggers: {},
  actions: {
    say: defineAction({
      name: 'Say',
      description: 'echo',
      props: z.object({ text: z.string() }),
      sample: { said: 'hi' },
      async run(ctx) {
        calls.push({ key: ctx.idempotencyKey, props: ctx.props });
        if (failWith) throw failWith;
        return { said: ctx.props.text };
      },
    }),
  },
});

// A tiny evaluator for these tests: dotted paths and == comparisons (the real one is JSONata).
const evaluate = async (expression: string, input: unknown): Promise<unknown> => {
  const get = (path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], input);
  const [left, right] = expression.split('==').map((s) => s.trim());
  if (right !== undefined) return String(get(left!)) === right.replace(/"/g, '');
  return get(expression.trim());
};

function harness(definition: FlowDefinition, completed: Record<string, unknown> = {}) {
  const events: string[] = [];
  const hooks: StepHooks = {
    onStepStart: async (s) => void events.push(`start:${s.key}`),
    onStepSuccess: async (s) => void events.push(`ok:${s.key}`),
    onStepFailure: async (s) => void events.push(`fail:${s.key}:${s.error.code}`),
  };
  const deps: ExecuteDeps = {
    getConnector: (id) => (id === 'echo' ? echo : undefined),
    evaluate,
    actionContext: async () => ({
      auth: null,
      fetch,
      store: { get: async () => undefined, put: async () => undefined, delete: async () => undefined },
      log: { debug() {}, info() {}, warn() {}, error() {} },
    }),
  };
  return {
    events,
    run: () =>
      executeFlow({
        definition: flowDefinitionSchema.parse(definition),
        trigger: { order: { id: 'o-1', country: 'FR' } },
        run: { id: 'run-1', flowId: 'flow-1', attempt: 1, idempotencyRoot: 'run-0' },
        completed,
        hooks,
        deps,
        signal: new AbortController().signal,
      }),
  };
}

const trigger = { connector: 'webhook', trigger: 'catchHook', props: {} };

describe('executeFlow', () => {
  it('runs map, filter, branch and action steps in order with the idempotency key of the original run', async () => {
    calls.length = 0;
    failWith = undefined;
    const h = harness({
      trigger,
      steps: [
        { kind: 'map', key: 'id', expression: 'trigger.order.id' },
        { kind: 'filter', key: 'onlyFr', expression: 'trigger.order.country == FR' },
        {
          kind: 'branch',
          key: 'route',
          branches: [{ when: 'trigger.order.country == DE', steps: [{ kind: 'action', key: 'de', connector: 'echo', action: 'say', props: { text: 'de' } }] }],
          otherwise: [{ kind: 'action', key: 'other', connector: 'echo', action: 'say', props: { text: { expr: 'steps.id' } } }],
        },
      ],
    });
    const result = await h.run();
    expect(result.status).toBe('succeeded');
    expect(calls).toEqual([{ key: 'run-0:other', props: { text: 'o-1' } }]);
    expect(h.events).toEqual(['start:id', 'ok:id', 'start:onlyFr', 'ok:onlyFr', 'start:route', 'ok:route', 'start:other', 'ok:other']);
  });

  it('stops at a filter that does not pass', async () => {
    const h = harness({ trigger, steps: [{ kind: 'filter', key: 'onlyDe', expression: 'trigger.order.country == DE' }, { kind: 'map', key: 'after', expression: 'trigger' }] });
    const result = await h.run();
    expect(result).toMatchObject({ status: 'filtered', stepKey: 'onlyDe' });
    expect(h.events).not.toContain('start:after');
  });

  it('resumes after the checkpointed steps', async () => {
    calls.length = 0;
    failWith = undefined;
    const h = harness(
      { trigger, steps: [{ kind: 'action', key: 'first', connector: 'echo', action: 'say', props: { text: 'a' } }, { kind: 'action', key: 'second', connector: 'echo', action: 'say', props: { text: { expr: 'steps.first.said' } } }] },
      { first: { said: 'from checkpoint' } },
    );
    await h.run();
    expect(calls).toEqual([{ key: 'run-0:second', props: { text: 'from checkpoint' } }]);
  });

  it('classifies failures', async () => {
    failWith = ConnectorError.rateLimited('slow down', 5000);
    const h = harness({ trigger, steps: [{ kind: 'action', key: 'x', connector: 'echo', action: 'say', props: { text: 'a' } }] });
    expect(await h.run()).toMatchObject({ status: 'failed', stepKey: 'x', error: { disposition: 'retry', code: 'RATE_LIMITED', retryAfterMs: 5000 } });
    failWith = ConnectorError.permanent('bad request');
    expect(await h.run()).toMatchObject({ error: { disposition: 'fail' } });
    failWith = ConnectorError.auth('token revoked');
    expect(await h.run()).toMatchObject({ error: { disposition: 'reconnect' } });
    failWith = undefined;
    const invalid = harness({ trigger, steps: [{ kind: 'action', key: 'x', connector: 'echo', action: 'say', props: { text: 42 } }] });
    expect(await invalid.run()).toMatchObject({ error: { disposition: 'fail', code: 'INVALID_PROPS' } });
    const unknown = harness({ trigger, steps: [{ kind: 'action', key: 'x', connector: 'nope', action: 'say', props: {} }] });
    expect(await unknown.run()).toMatchObject({ error: { disposition: 'fail', code: 'UNKNOWN_CONNECTOR' } });
  });

  it('refuses duplicate step keys and bad keys', () => {
    expect(() => flowDefinitionSchema.parse({ trigger, steps: [{ kind: 'map', key: 'a', expression: 'x' }, { kind: 'map', key: 'a', expression: 'y' }] })).toThrow(/used twice/);
    expect(() => flowDefinitionSchema.parse({ trigger, steps: [{ kind: 'map', key: 'Bad Key', expression: 'x' }] })).toThrow(/camelCase/);
  });
});

describe('retry policy', () => {
  it('backs off exponentially with jitter inside the band', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const nominal = Math.min(defaultRetryPolicy.capMs, defaultRetryPolicy.baseMs * 2 ** (attempt - 1));
      expect(backoffMs(attempt, defaultRetryPolicy, () => 0)).toBe(nominal / 2);
      expect(backoffMs(attempt, defaultRetryPolicy, () => 0.999999)).toBeLessThanOrEqual(nominal);
    }
  });

  it('treats unknown errors as transient', () => {
    expect(classifyError(new Error('ECONNRESET')).disposition).toBe('retry');
  });
});
