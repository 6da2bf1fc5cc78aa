import { describe, expect, it } from 'vitest';
import { compileMapping } from './compile-mapping.ts';
import { evaluateMapping, type EvaluateOptions, type MappingInput } from './evaluate-mapping.ts';
import { MappingError, isMappingError } from './mapping-error.ts';

const input: MappingInput = {
  trigger: {
    order: { id: 'o-1', items: [{ sku: 'A', price: 2, qty: 3 }, { sku: 'B', price: 5, qty: 1 }] },
    customer: { email: 'ada@example.com', name: 'Ada' },
  },
  steps: { lookup: { body: { name: 'Lovelace' } } },
};

async function failure(expression: string, document: MappingInput = input, options?: EvaluateOptions) {
  try {
    await evaluateMapping(expression, document, options);
  } catch (error) {
    if (isMappingError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${expression} to fail`);
}

describe('evaluateMapping', () => {
  it('maps the trigger and earlier step outputs', async () => {
    const result = await evaluateMapping(
      '{ "id": trigger.order.id, "total": $sum(trigger.order.items.(price * qty)), "name": steps.lookup.body.name }',
      input,
    );
    expect(result).toEqual({ id: 'o-1', total: 11, name: 'Lovelace' });
  });

  it('accepts a compiled mapping and reuses it across inputs', async () => {
    const compiled = compileMapping('trigger.customer.name');
    expect(await evaluateMapping(compiled, input)).toBe('Ada');
    expect(await evaluateMapping(compiled, { trigger: { customer: { name: 'Grace' } } })).toBe('Grace');
  });

  it('returns undefined when nothing matches', async () => {
    expect(await evaluateMapping('trigger.missing.field', input)).toBeUndefined();
    expect(await evaluateMapping('trigger.order.items[price > 100]', input)).toBeUndefined();
  });

  it('returns plain arrays, not JSONata sequences', async () => {
    const skus = await evaluateMapping('trigger.order.items.sku', input);
    expect(skus).toEqual(['A', 'B']);
    expect(Object.keys(skus as object)).toEqual(['0', '1']);
  });

  it('stops a tail-recursive loop with TIMEOUT within about twice the limit', async () => {
    const started = performance.now();
    const error = await failure('( $f := function($x){ $f($x+1) }; $f(0) )', input, { timeoutMs: 250 });
    const elapsed = performance.now() - started;
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('250 ms');
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(500);
  });

  it('stops a counting loop with TIMEOUT and points into the expression', async () => {
    const expression = '($loop := function($i){ $i < 1e12 ? $loop($i+1) : $i }; $loop(0))';
    const started = performance.now();
    const error = await failure(expression, input, { timeoutMs: 200 });
    expect(performance.now() - started).toBeLessThan(400);
    expect(error.code).toBe('TIMEOUT');
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThan(expression.length);
    expect(error.line).toBe(1);
  });

  it('stops a huge range walk with TIMEOUT', async () => {
    const started = performance.now();
    const error = await failure('[1..10000000].($ * 2)', input, { timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(600);
    expect(error.code).toBe('TIMEOUT');
  });

  it('refuses ranges over JSONata’s size cap with RANGE', async () => {
    const error = await failure('[1..10000001]');
    expect(error.code).toBe('RANGE');
    expect(error.jsonataCode).toBe('D2014');
    expect(error.message).toContain('10,000,001');
    expect(error.token).toBe('..');
    expect(error.position).toBe(2);
  });

  it('stops runaway non-tail recursion fast with DEPTH', async () => {
    const expression = '(\n  $f := function($x){ 1 + $f($x + 1) };\n  $f(0)\n)';
    const started = performance.now();
    const error = await failure(expression);
    expect(performance.now() - started).toBeLessThan(200);
    expect(error.code).toBe('DEPTH');
    expect(error.message).toContain('200');
    expect(error.line).toBe(2);
  });

  it('allows recursion that ends within the depth limit', async () => {
    const factorial = '( $f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20) )';
    expect(await evaluateMapping(factorial, input)).toBe(2432902008176640000);
    expect((await failure(factorial, input, { maxDepth: 30 })).code).toBe('DEPTH');
  });

  it('counts nesting, not breadth: wide constructors and group-bys pass a small depth limit', async () => {
    const fields = Array.from({ length: 300 }, (_, i) => `"f${i}": trigger.order.id`).join(', ');
    const wide = (await evaluateMapping(`{ ${fields} }`, input, { maxDepth: 20 })) as Record<string, string>;
    expect(Object.keys(wide)).toHaveLength(300);
    const items = Array.from({ length: 2_000 }, (_, i) => ({ id: `k${i}`, n: i }));
    const grouped = await evaluateMapping('trigger.items{ id: n }', { trigger: { items } }, { maxDepth: 20 });
    expect(Object.keys(grouped as object)).toHaveLength(2_000);
    const list = Array.from({ length: 300 }, () => 'trigger.order.id').join(', ');
    expect(await evaluateMapping(`[${list}]`, input, { maxDepth: 20 })).toHaveLength(300);
  });

  it('still catches recursion inside one branch of a parallel constructor', async () => {
    const runaway = '( $f := function($x){ 1 + $f($x + 1) }; $f(0) )';
    expect((await failure(`[1, 2, ${runaway}]`)).code).toBe('DEPTH');
    expect((await failure(`{ "a": 1, "b": ${runaway} }`)).code).toBe('DEPTH');
  });

  it('stops recursion run through $eval, without a position from the evaluated string', async () => {
    const error = await failure('$eval("( $f := function($x){ 1 + $f($x+1) }; $f(0) )")');
    expect(error.code).toBe('DEPTH');
    expect(error.position).toBeUndefined();
  });

  it('keeps concurrent evaluations of one compiled mapping apart', async () => {
    const compiled = compileMapping('( $f := function($n){ $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(trigger.n) )');
    const [deep, shallow] = await Promise.allSettled([
      evaluateMapping(compiled, { trigger: { n: 1_000 } }, { maxDepth: 100 }),
      evaluateMapping(compiled, { trigger: { n: 10 } }, { maxDepth: 100 }),
    ]);
    expect(deep.status === 'rejected' && isMappingError(deep.reason) && deep.reason.code).toBe('DEPTH');
    expect(shallow).toEqual({ status: 'fulfilled', value: 10 });
  });

  it('reports a call of something that is not a function as RUNTIME with its position', async () => {
    const expression = '{\n  "a": trigger.order.id,\n  "b": $nope(1)\n}';
    const error = await failure(expression);
    expect(error).toBeInstanceOf(MappingError);
    expect(error.code).toBe('RUNTIME');
    expect(error.jsonataCode).toBe('T1006');
    expect(error.token).toBe('nope');
    expect(error.position).toBe(expression.indexOf('$nope'));
    expect({ line: error.line, column: error.column }).toEqual({ line: 3, column: 8 });
  });

  it('reports type errors as RUNTIME', async () => {
    const error = await failure('trigger.customer.name + 1');
    expect(error.code).toBe('RUNTIME');
    expect(error.jsonataCode).toBe('T2001');
    expect(error.token).toBe('+');
    expect(error.position).toBe('trigger.customer.name '.length);
    expect((await failure('$error("no customer")')).message).toBe('no customer');
  });

  it('throws SYNTAX for an expression that does not compile', async () => {
    expect((await failure('trigger.order.')).code).toBe('SYNTAX');
  });

  it('refuses results larger than maxOutputBytes', async () => {
    const error = await failure('[1..200000]', input, { maxOutputBytes: 100_000 });
    expect(error.code).toBe('OUTPUT_TOO_LARGE');
    expect(error.message).toContain('100 kB');
    const big = await failure('$pad("", 600000, "x") & $pad("", 600000, "y")');
    expect(big.code).toBe('OUTPUT_TOO_LARGE');
  });

  it('measures the output as its JSON text length, exactly at the boundary', async () => {
    const value = { a: [1, 'two', null, true, { 'k"ey': 'é\n' }], b: false };
    const size = JSON.stringify(value).length;
    const expression = JSON.stringify(value);
    expect(await evaluateMapping(expression, input, { maxOutputBytes: size })).toEqual(value);
    expect((await failure(expression, input, { maxOutputBytes: size - 1 })).code).toBe('OUTPUT_TOO_LARGE');
  });

  it('refuses results that are not JSON data', async () => {
    expect((await failure('function($x){ $x }')).message).toMatch(/function/);
    expect((await failure('{ "fmt": $uppercase }')).message).toContain('the result.fmt');
    expect((await failure('/ab+c/')).code).toBe('RUNTIME');
    expect((await failure('1 / 0')).message).toContain('Infinity');
  });

  it('refuses input larger than maxInputBytes', async () => {
    const large = { trigger: { blob: 'x'.repeat(6_000_000) } };
    const error = await failure('trigger.blob', large);
    expect(error.code).toBe('INPUT_TOO_LARGE');
    expect(error.message).toContain('5 MB');
    expect(await evaluateMapping('$length(trigger.blob)', { trigger: { blob: 'xyz' } }, { maxInputBytes: 100 })).toBe(3);
  });

  it('refuses input that is not JSON data', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect((await failure('trigger.a', { trigger: cyclic })).code).toBe('INPUT_INVALID');
    expect((await failure('trigger.a', { trigger: { a: 10n } })).code).toBe('INPUT_INVALID');
  });

  it('sees input as plain JSON: dates as ISO text, no functions, no class instances', async () => {
    class Customer {
      constructor(readonly name: string) {}
      greet() {
        return `hi ${this.name}`;
      }
    }
    const document = {
      trigger: { at: new Date('2024-01-02T03:04:05.000Z'), customer: new Customer('Ada'), run: () => 'ran' },
    };
    expect(await evaluateMapping('trigger.at', document)).toBe('2024-01-02T03:04:05.000Z');
    expect(await evaluateMapping('trigger.customer', document)).toEqual({ name: 'Ada' });
    expect(await evaluateMapping('$keys(trigger)', document)).toEqual(['at', 'customer']);
    expect((await failure('trigger.run()', document)).code).toBe('RUNTIME');
    expect((await failure('trigger.customer.greet()', document)).code).toBe('RUNTIME');
  });

  it('validates its options', async () => {
    await expect(evaluateMapping('1', input, { timeoutMs: -1 })).rejects.toThrow();
  });
});

describe('bounded built-ins', () => {
  it('keeps $pad working and refuses widths that would stall the process in one call', async () => {
    expect(await evaluateMapping('$pad(trigger.code, 5, "0")', { trigger: { code: '42' } })).toBe('42000');
    expect(await evaluateMapping('$pad("7", -3, "0")', input)).toBe('007');
    expect(await evaluateMapping('$pad("", 1000000, "x") ~> $length()', input)).toBe(1_000_000);
    const started = performance.now();
    const error = await failure('$pad("", 500000000, "x")');
    expect(performance.now() - started).toBeLessThan(100);
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toContain('1,000,000');
    expect(error.token).toBe('pad');
    expect(error.position).toBe(0);
  });
});
