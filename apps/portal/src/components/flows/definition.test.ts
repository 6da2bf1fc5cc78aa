import { describe, expect, it } from 'vitest';
import { canMove, checkStepKey, earlierSteps, insertStep, issuePathToKey, moveStep, newStep, removeStep, renameStep, uniqueKey, type FlowDefinition } from './definition';

const flow: FlowDefinition = {
  trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
  steps: [
    { kind: 'map', key: 'order', expression: '{ "id": trigger.id }' },
    {
      kind: 'branch',
      key: 'route',
      branches: [{ name: 'Big', when: 'steps.order.total > 100', steps: [{ kind: 'map', key: 'big', expression: 'steps.order' }] }],
      otherwise: [{ kind: 'filter', key: 'small', expression: 'steps.order.id' }],
    },
    { kind: 'action', key: 'send', connector: 'http', action: 'request', connectionId: null, props: { body: { expr: 'steps.order' }, url: 'https://x.example' } },
  ],
  businessKey: 'steps.order.id',
};

describe('flow definition editing', () => {
  it('lists the steps a step can read: earlier siblings and enclosing lists, not other branches', () => {
    expect(earlierSteps(flow.steps, 'big').map((s) => s.key)).toEqual(['order', 'route']);
    expect(earlierSteps(flow.steps, 'small').map((s) => s.key)).toEqual(['order', 'route']);
    expect(earlierSteps(flow.steps, 'send').map((s) => s.key)).toEqual(['order', 'route']);
    expect(earlierSteps(flow.steps, 'order')).toEqual([]);
  });

  it('renames a step and every steps.<key> reference, and nothing else', () => {
    const renamed = renameStep(flow, 'order', 'paidOrder');
    expect(JSON.stringify(renamed)).not.toMatch(/steps\.order\b/);
    expect(renamed.steps[0]!.key).toBe('paidOrder');
    expect(renamed.businessKey).toBe('steps.paidOrder.id');
    const send = renamed.steps[2] as Extract<FlowDefinition['steps'][number], { kind: 'action' }>;
    expect(send.props.body).toEqual({ expr: 'steps.paidOrder' });
    expect(send.props.url).toBe('https://x.example');
    // The original is untouched.
    expect(flow.steps[0]!.key).toBe('order');
  });

  it('inserts after a step or into a branch, moves within a list, removes with nested steps', () => {
    const added = insertStep(flow, newStep(flow, 'map'), { afterKey: 'big' });
    const branch = added.steps[1] as Extract<FlowDefinition['steps'][number], { kind: 'branch' }>;
    expect(branch.branches[0]!.steps.map((s) => s.key)).toEqual(['big', 'mapData']);
    const intoOtherwise = insertStep(flow, newStep(flow, 'filter'), { container: { kind: 'otherwise', stepKey: 'route' } });
    expect((intoOtherwise.steps[1] as typeof branch).otherwise.map((s) => s.key)).toEqual(['small', 'onlyIf']);
    expect(canMove(flow, 'order')).toEqual({ up: false, down: true });
    expect(moveStep(flow, 'send', -1).steps.map((s) => s.key)).toEqual(['order', 'send', 'route']);
    expect(moveStep(flow, 'order', -1)).toBe(flow);
    expect(removeStep(flow, 'route').steps.map((s) => s.key)).toEqual(['order', 'send']);
  });

  it('generates unique camelCase keys and checks keys as the server does', () => {
    expect(uniqueKey(flow, 'Send an HTTP request')).toBe('sendAnHttpRequest');
    expect(uniqueKey(flow, 'order')).toBe('order2');
    expect(uniqueKey(flow, '42 things')).toBe('step42Things');
    expect(checkStepKey(flow, 'send', 'order')).toMatch(/already uses/);
    expect(checkStepKey(flow, 'Send', null)).toMatch(/camelCase/);
    expect(checkStepKey(flow, 'order', 'order')).toBeNull();
  });
});

describe('issuePathToKey', () => {
  it('names the step a structural path points into', () => {
    expect(issuePathToKey(flow, 'steps.0.expression')).toBe('order.expression');
    expect(issuePathToKey(flow, 'steps.1.branches.0.steps.0.key')).toBe('big.key');
    expect(issuePathToKey(flow, 'steps.1.otherwise.0.expression')).toBe('small.expression');
    expect(issuePathToKey(flow, 'steps.1.branches.0.when')).toBe('route.branches.0.when');
    expect(issuePathToKey(flow, 'trigger.props.x')).toBe('trigger.props.x');
    expect(issuePathToKey(flow, 'steps.9.key')).toBe('steps.9.key');
  });
});
