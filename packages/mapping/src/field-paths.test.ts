import { describe, expect, it } from 'vitest';
import { fieldPaths } from './field-paths.ts';

const sample = {
  trigger: {
    order: {
      id: 'o-1',
      total: 42.5,
      paid: false,
      note: null,
      items: [
        { sku: 'A', qty: 1, discount: null },
        { sku: 'B', qty: 2, discount: 0.1, gift: true },
      ],
      'ship-to': { 'postal code': '8000' },
    },
  },
  steps: { lookup: { body: { tags: ['vip', 'new'] } } },
};

describe('fieldPaths', () => {
  it('lists every field of a nested sample in document order, array elements collapsed', () => {
    expect(fieldPaths(sample)).toEqual([
      { path: 'trigger', type: 'object' },
      { path: 'trigger.order', type: 'object' },
      { path: 'trigger.order.id', type: 'string', example: 'o-1' },
      { path: 'trigger.order.total', type: 'number', example: 42.5 },
      { path: 'trigger.order.paid', type: 'boolean', example: false },
      { path: 'trigger.order.note', type: 'null', example: null },
      { path: 'trigger.order.items', type: 'array' },
      { path: 'trigger.order.items.sku', type: 'string', example: 'A' },
      { path: 'trigger.order.items.qty', type: 'number', example: 1 },
      // null in the first element, a number in the second: the number describes the field better.
      { path: 'trigger.order.items.discount', type: 'number', example: 0.1 },
      // Only the second element has it; still listed.
      { path: 'trigger.order.items.gift', type: 'boolean', example: true },
      { path: 'trigger.order.`ship-to`', type: 'object' },
      { path: 'trigger.order.`ship-to`.`postal code`', type: 'string', example: '8000' },
      { path: 'steps', type: 'object' },
      { path: 'steps.lookup', type: 'object' },
      { path: 'steps.lookup.body', type: 'object' },
      { path: 'steps.lookup.body.tags', type: 'array' },
    ]);
  });

  it('limits depth', () => {
    const paths = fieldPaths(sample, { maxDepth: 2 }).map((p) => p.path);
    expect(paths).toEqual(['trigger', 'trigger.order', 'steps', 'steps.lookup']);
  });

  it('cuts deep fields first when the list is too long, so later top-level fields stay', () => {
    const wide = { trigger: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, { a: { b: 1 } }])), steps: { s: 1 } };
    const paths = fieldPaths(wide, { maxPaths: 60 }).map((p) => p.path);
    expect(paths).toHaveLength(60);
    expect(paths).toContain('steps');
    expect(paths).toContain('steps.s');
    expect(paths).toContain('trigger.f49');
    expect(paths.indexOf('trigger.f0')).toBeLessThan(paths.indexOf('trigger.f0.a'));
    expect(paths).not.toContain('trigger.f49.a.b');
  });

  it('shortens long string examples and skips what a path cannot name', () => {
    const paths = fieldPaths({ trigger: { long: 'x'.repeat(500), 'back`tick': 1, fn: () => 1, and: 2 } });
    expect(paths).toEqual([
      { path: 'trigger', type: 'object' },
      { path: 'trigger.long', type: 'string', example: `${'x'.repeat(119)}…` },
      { path: 'trigger.`and`', type: 'number', example: 2 },
    ]);
  });

  it('copes with cycles and scalar samples', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(fieldPaths({ trigger: cyclic }, { maxDepth: 4 }).map((p) => p.path)).toEqual([
      'trigger',
      'trigger.name',
      'trigger.self',
      'trigger.self.name',
      'trigger.self.self',
      'trigger.self.self.name',
      'trigger.self.self.self',
    ]);
    expect(fieldPaths('text')).toEqual([]);
    expect(fieldPaths(null)).toEqual([]);
  });
});
