import { describe, expect, it } from 'vitest';
import { MAX_EXPRESSION_LENGTH } from './compile-mapping.ts';
import { mappingExpressionSchema, validateMapping } from './validate-mapping.ts';

describe('validateMapping', () => {
  it('accepts a valid expression', () => {
    expect(validateMapping('{ "email": trigger.customer.email }')).toEqual({ ok: true });
  });

  it('locates a syntax error for the editor', () => {
    const expression = '{\n  "email": trigger.customer.email,\n  "total": $sum(trigger.items.price\n}';
    const result = validateMapping(expression);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'SYNTAX',
        message: 'Expected ")", got "}"',
        position: expression.length - 1,
        line: 4,
        column: 1,
        token: '}',
      },
    });
  });

  it('rejects expressions over the length limit with a clear message', () => {
    const result = validateMapping(`"${'a'.repeat(MAX_EXPRESSION_LENGTH)}"`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('EXPRESSION_TOO_LONG');
    expect(result.error.message).toBe('The mapping is 20,002 characters long; the limit is 20,000.');
    expect(result.error.position).toBe(MAX_EXPRESSION_LENGTH);
  });

  it('does not evaluate: runtime problems are not validation errors', () => {
    expect(validateMapping('$doesNotExist(trigger.a)')).toEqual({ ok: true });
  });
});

describe('mappingExpressionSchema', () => {
  it('passes valid expressions through and names line and column otherwise', () => {
    expect(mappingExpressionSchema.parse('trigger.a')).toBe('trigger.a');
    // `*` is JSONata's wildcard, so the error is the 2 after it.
    const result = mappingExpressionSchema.safeParse('trigger.a +\n  * 2');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Line 2, column 5: Syntax error: 2');
    expect(mappingExpressionSchema.safeParse(42).success).toBe(false);
  });
});
