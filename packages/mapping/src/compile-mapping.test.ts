import { describe, expect, it } from 'vitest';
import { MAX_EXPRESSION_LENGTH, clearMappingCache, compileMapping } from './compile-mapping.ts';
import { MappingError, isMappingError } from './mapping-error.ts';

function syntaxErrorOf(expression: string): MappingError {
  try {
    compileMapping(expression);
  } catch (error) {
    if (isMappingError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(expression)} not to compile`);
}

describe('compileMapping', () => {
  it('returns the same compiled object for the same expression text', () => {
    const first = compileMapping('trigger.order.id');
    expect(compileMapping('trigger.order.id')).toBe(first);
    expect(compileMapping('trigger.order.id ')).not.toBe(first);
    expect(first.expression).toBe('trigger.order.id');
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('compiles again after the cache is cleared', () => {
    const first = compileMapping('trigger.a');
    clearMappingCache();
    expect(compileMapping('trigger.a')).not.toBe(first);
  });

  it('keeps at most 1,000 compiled expressions', () => {
    clearMappingCache();
    const first = compileMapping('trigger.x0');
    for (let i = 1; i <= 1_000; i++) compileMapping(`trigger.x${i}`);
    expect(compileMapping('trigger.x0')).not.toBe(first);
    // The most recently used survive.
    const recent = compileMapping('trigger.x1000');
    expect(compileMapping('trigger.x1000')).toBe(recent);
  });

  it('reports a syntax error with the offending token, its start offset, line and column', () => {
    const expression = '{\n  "a": trigger.x,\n  "b": trigger.y +\n}';
    const error = syntaxErrorOf(expression);
    expect(error).toBeInstanceOf(MappingError);
    expect(error.code).toBe('SYNTAX');
    expect(error.token).toBe('}');
    expect(error.position).toBe(expression.lastIndexOf('}'));
    expect({ line: error.line, column: error.column }).toEqual({ line: 4, column: 1 });
    expect(error.message).toContain('}');
    expect(error.jsonataCode).toBe('S0211');
  });

  it('points at the start of a misplaced name on a later line', () => {
    const expression = '{"a": 1,\n "b": 2,\n "c": trigger.zz  zz}';
    const error = syntaxErrorOf(expression);
    expect(error.token).toBe('zz');
    expect(error.position).toBe(36);
    expect(expression.slice(error.position, error.position! + 2)).toBe('zz');
    expect({ line: error.line, column: error.column }).toEqual({ line: 3, column: 19 });
    expect(error.message).toBe('Expected "}", got "zz"');
  });

  it('points at a quoted string token, and counts a tab as one column', () => {
    const quoted = syntaxErrorOf('{\n  "a": 1\n  "b": 2\n}');
    expect(quoted.token).toBe('b');
    expect({ line: quoted.line, column: quoted.column }).toEqual({ line: 3, column: 3 });
    const tab = syntaxErrorOf('{\n\t"a": $sum(,\n}');
    expect(tab.token).toBe(',');
    expect({ line: tab.line, column: tab.column }).toEqual({ line: 2, column: 12 }); // a tab is one column
  });

  it('reports the end of the expression when it ends too early', () => {
    const expression = '$sum(\n  trigger.items.price';
    const error = syntaxErrorOf(expression);
    expect(error.code).toBe('SYNTAX');
    expect(error.position).toBe(expression.length);
    expect({ line: error.line, column: error.column }).toEqual({ line: 2, column: 22 });
    expect(error.message).toContain('Expected ")"');
  });

  it('refuses an empty expression with a plain message', () => {
    const error = syntaxErrorOf('   ');
    expect(error.code).toBe('SYNTAX');
    expect(error.message).toBe('The mapping is empty.');
  });

  it('refuses expressions longer than the limit', () => {
    const expression = `[${'1,'.repeat(MAX_EXPRESSION_LENGTH / 2)}1]`;
    const error = syntaxErrorOf(expression);
    expect(error.code).toBe('EXPRESSION_TOO_LONG');
    expect(error.message).toMatch(/20,000/);
    expect(() => compileMapping(`"${'x'.repeat(MAX_EXPRESSION_LENGTH - 2)}"`)).not.toThrow();
  });
});
