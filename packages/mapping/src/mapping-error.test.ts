import { describe, expect, it } from 'vitest';
import { MappingError, isMappingError, locatedError } from './mapping-error.ts';
import { lineColumnAt, tokenStart } from './source-position.ts';

describe('MappingError', () => {
  it('carries a code, a location and plain-data info without the cause', () => {
    const cause = { secret: 'input value' };
    const error = new MappingError('RUNTIME', 'boom', { position: 3, line: 1, column: 4, token: 'x', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MappingError');
    expect(error.cause).toBe(cause);
    expect(error.toInfo()).toEqual({ code: 'RUNTIME', message: 'boom', position: 3, line: 1, column: 4, token: 'x' });
  });

  it('is recognised by isMappingError, also by brand across module copies', () => {
    expect(isMappingError(new MappingError('TIMEOUT', 'slow'))).toBe(true);
    expect(isMappingError(new Error('other'))).toBe(false);
    expect(isMappingError({ code: 'TIMEOUT', message: 'look-alike' })).toBe(false);
    expect(isMappingError({ [Symbol.for('conflux.mapping.MappingError')]: true })).toBe(true);
  });

  it('locates an error from JSONata’s after-the-token offset', () => {
    const error = locatedError('SYNTAX', 'bad', 'a\n  b c', { position: 7, token: 'c', jsonataCode: 'S0201' });
    expect(error.toInfo()).toEqual({ code: 'SYNTAX', message: 'bad', position: 6, line: 2, column: 5, token: 'c', jsonataCode: 'S0201' });
  });
});

describe('source positions', () => {
  it('counts lines and columns from 1', () => {
    expect(lineColumnAt('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumnAt('ab\r\ncd', 4)).toEqual({ line: 2, column: 1 });
    expect(lineColumnAt('ab\ncd', 99)).toEqual({ line: 2, column: 3 });
  });

  it('walks back over a token, its quotes, its $ and a call’s parenthesis', () => {
    expect(tokenStart('a + b', 3, '+')).toBe(2);
    expect(tokenStart('{"a": 1 "b"', 11, 'b')).toBe(8);
    expect(tokenStart('x.$nope(1)', 8, 'nope')).toBe(2);
    expect(tokenStart('trigger.a()', 10, 'a')).toBe(8);
    expect(tokenStart('1 +* 2', 6, 2)).toBe(5);
  });

  it('keeps JSONata’s offset when the source does not show the token there', () => {
    expect(tokenStart('abc', 3, '(end)')).toBe(3);
    expect(tokenStart('abc', 2, 'zzz')).toBe(2);
    expect(tokenStart('abc', undefined, undefined)).toBe(0);
    expect(tokenStart('abc', 50, 'q')).toBe(3);
    expect(tokenStart('ab', 1, 'abc')).toBe(1);
  });
});
