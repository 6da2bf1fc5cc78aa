import { describe, expect, it } from 'vitest';
import type { FlowDefinition } from './definition';
import { diffDefinitions } from './flow-diff';

const base: FlowDefinition = {
  trigger: { connector: 'webhook', trigger: 'catchHook', props: {} },
  steps: [
    { kind: 'map', key: 'toOrder', expression: '{ "id": trigger.id }' },
    { kind: 'action', key: 'send', connector: 'http', action: 'request', connectionId: null, props: { method: 'POST', url: 'https://a.example/orders' } },
    { kind: 'filter', key: 'onlyPaid', expression: 'trigger.paid' },
  ],
};

describe('diffDefinitions', () => {
  it('lists everything as added when nothing is published', () => {
    const entries = diffDefinitions(null, base);
    expect(entries.map((e) => `${e.change}:${e.target}`)).toEqual(['added:trigger', 'added:toOrder', 'added:send', 'added:onlyPaid']);
  });

  it('finds nothing between equal definitions, whatever the key order', () => {
    const reordered = JSON.parse(JSON.stringify(base)) as FlowDefinition;
    const send = reordered.steps[1] as Extract<FlowDefinition['steps'][number], { kind: 'action' }>;
    send.props = { url: 'https://a.example/orders', method: 'POST' };
    expect(diffDefinitions(base, reordered)).toEqual([]);
  });

  it('names changed settings, expressions, added and removed steps, but not neighbours of a removed step as moved', () => {
    const after: FlowDefinition = {
      trigger: { connector: 'webhook', trigger: 'catchHook', props: { eventIdPath: 'id' } },
      steps: [
        { kind: 'action', key: 'send', connector: 'http', action: 'request', connectionId: null, props: { method: 'PUT', url: 'https://a.example/orders', body: { expr: 'steps.toOrder' } } },
        { kind: 'filter', key: 'onlyPaid', expression: 'trigger.paid = true' },
        { kind: 'map', key: 'summary', expression: '$count(trigger.items)' },
      ],
    };
    const entries = diffDefinitions(base, after);
    expect(entries).toEqual([
      { change: 'changed', target: 'trigger', label: 'Trigger', details: ['setting eventIdPath set to "id"'] },
      { change: 'removed', target: 'toOrder', label: 'Map toOrder', details: [] },
      { change: 'changed', target: 'send', label: 'Action send', details: ['setting body set to expression "steps.toOrder"', 'setting method: "POST" → "PUT"'] },
      { change: 'changed', target: 'onlyPaid', label: 'Filter onlyPaid', details: ['expression: "trigger.paid" → "trigger.paid = true"'] },
      { change: 'added', target: 'summary', label: 'Map summary', details: [] },
    ]);
  });

  it('reports a swapped pair as moved and branch changes by name', () => {
    const swapped: FlowDefinition = { ...base, steps: [base.steps[1]!, base.steps[0]!, base.steps[2]!] };
    expect(diffDefinitions(base, swapped).filter((e) => e.change === 'moved').map((e) => e.target)).toEqual(['send', 'toOrder']);

    const withBranch: FlowDefinition = { ...base, steps: [{ kind: 'branch', key: 'route', branches: [{ name: 'Big', when: 'total > 100', steps: [] }], otherwise: [] }] };
    const changed: FlowDefinition = {
      ...base,
      steps: [{ kind: 'branch', key: 'route', branches: [{ name: 'Big', when: 'total > 500', steps: [{ kind: 'map', key: 'big', expression: '1' }] }, { name: 'Small', when: 'true', steps: [] }], otherwise: [] }],
    };
    const entries = diffDefinitions(withBranch, changed);
    expect(entries.find((e) => e.target === 'route')?.details).toEqual(['branch “Big” condition: "total > 100" → "total > 500"', 'branch “Big” steps: [] → [big]', 'branch “Small” added (when "true")']);
    expect(entries.find((e) => e.target === 'big')?.change).toBe('added');
  });
});
