import { describe, expect, it } from 'vitest';
import { isoTimestamp } from './connection.ts';
import { columnName, quoteColumn, quoteIdentifier, quoteTable, tableName } from './identifiers.ts';

describe('postgres identifiers', () => {
  it('quotes checked names exactly, schema and table apart', () => {
    expect(quoteTable('public.Orders')).toBe('"public"."Orders"');
    expect(quoteTable('orders')).toBe('"orders"');
    expect(quoteColumn('updated_at')).toBe('"updated_at"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });

  it('refuses anything but plain names, even when called without the props check', () => {
    for (const name of ['', 'a b', 'a.b.c', 'a"', 'a;b', 'a--', '$a', `a${'x'.repeat(63)}`]) {
      expect(tableName.safeParse(name).success, name).toBe(false);
      expect(() => quoteTable(name), name).toThrow(TypeError);
    }
    expect(columnName.safeParse('public.id').success).toBe(false);
    expect(() => quoteColumn('public.id')).toThrow(TypeError);
  });
});

describe('postgres timestamps', () => {
  it('turns PostgreSQL’s ISO output into ISO 8601, keeping microseconds', () => {
    expect(isoTimestamp('2026-03-14 09:26:53.512044+00')).toBe('2026-03-14T09:26:53.512044Z');
    expect(isoTimestamp('2026-03-14 09:26:53+05:30')).toBe('2026-03-14T09:26:53+05:30');
    expect(isoTimestamp('2026-03-14 09:26:53.5-08')).toBe('2026-03-14T09:26:53.5-08:00');
    expect(isoTimestamp('2026-03-14 09:26:53.1')).toBe('2026-03-14T09:26:53.1');
  });

  it('leaves what ISO 8601 cannot say as PostgreSQL wrote it', () => {
    for (const text of ['infinity', '-infinity', '0044-03-15 12:00:00+00 BC', '1850-01-01 00:00:00+00:53:28']) expect(isoTimestamp(text)).toBe(text);
  });
});
