import { describe, expect, it } from 'vitest';
import { mappingLineage } from './mapping-lineage.ts';

describe('mappingLineage', () => {
  it('maps each output field of an object constructor to the input paths it reads', () => {
    expect(mappingLineage('{ "email": trigger.customer.email, "total": $sum(trigger.items.price) }')).toEqual({
      email: ['trigger.customer.email'],
      total: ['trigger.items.price'],
    });
  });

  it('follows operators, conditions, filters and nested constructors relative to their context', () => {
    const lineage = mappingLineage(`{
      "name": trigger.customer.first & " " & trigger.customer.last,
      "tier": trigger.total > 100 ? "gold" : steps.crm.body.tier,
      "big": trigger.items[price > 5].sku,
      "first": trigger.items[0],
      "lines": trigger.items.{ "code": sku, "amount": price * qty },
      "lookup": $$.steps.lookup.body.name,
      "count": $count(trigger.items),
      "constant": "fixed"
    }`);
    expect(lineage).toEqual({
      name: ['trigger.customer.first', 'trigger.customer.last'],
      tier: ['trigger.total', 'steps.crm.body.tier'],
      big: ['trigger.items.price', 'trigger.items.sku'],
      first: ['trigger.items'],
      lines: ['trigger.items.sku', 'trigger.items.price', 'trigger.items.qty'],
      lookup: ['steps.lookup.body.name'],
      count: ['trigger.items'],
      constant: [],
    });
  });

  it('traces variables bound in an enclosing block and quotes names that need it', () => {
    const lineage = mappingLineage(
      '( $c := trigger.customer; $o := steps.`create order`.body; { "email": $c.email, "order": $o.id } )',
    );
    expect(lineage).toEqual({ email: ['trigger.customer.email'], order: ['steps.`create order`.body.id'] });
  });

  it('keeps what it can see through lambdas: the collection, not the parameter', () => {
    expect(mappingLineage('{ "prices": $map(trigger.items, function($i){ $i.price }) }')).toEqual({
      prices: ['trigger.items'],
    });
  });

  it('returns {} for other shapes and for invalid expressions', () => {
    expect(mappingLineage('trigger.customer.email')).toEqual({});
    expect(mappingLineage('[trigger.a, trigger.b]')).toEqual({});
    expect(mappingLineage('{ "a": ')).toEqual({});
  });

  it('skips computed keys', () => {
    expect(mappingLineage('{ trigger.key: trigger.value, "b": trigger.b }')).toEqual({ b: ['trigger.b'] });
  });
});
