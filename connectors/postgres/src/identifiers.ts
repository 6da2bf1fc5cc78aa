/**
 * Table and column names that go into SQL text. Values always travel as parameters; names cannot, so they
 * are checked against a strict pattern first and then quoted, which also makes them exact: "Orders" names
 * the table created as "Orders", not orders.
 */
import { z } from '@conflux/connector-sdk';

// A plain SQL identifier (letters, digits, _ and $, not starting with a digit or $), at most 63 bytes, which
// is PostgreSQL's limit. Anything else (spaces, quotes, dots inside a name) is refused rather than escaped.
const NAME = '[A-Za-z_][A-Za-z0-9_$]{0,62}';
const COLUMN = new RegExp(`^${NAME}$`);
const TABLE = new RegExp(`^${NAME}(?:\\.${NAME})?$`);

/** A column name, e.g. `updated_at`. */
export const columnName = z
  .string()
  .trim()
  .regex(COLUMN, 'Use a plain column name: letters, digits and _ (e.g. updated_at)');

/** A table name, optionally schema-qualified, e.g. `public.orders`. */
export const tableName = z
  .string()
  .trim()
  .regex(TABLE, 'Use a plain table name, optionally with its schema: letters, digits and _ (e.g. public.orders)');

/** `"name"`. The pattern already excludes quotes; doubling them anyway keeps the function safe on its own. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"` or `"table"`, from a name that passed {@link tableName}. */
export function quoteTable(name: string): string {
  if (!TABLE.test(name)) throw new TypeError(`Not a table name: ${JSON.stringify(name)}`);
  return name.split('.').map(quoteIdentifier).join('.');
}

/** A column name that passed {@link columnName}, quoted. */
export function quoteColumn(name: string): string {
  if (!COLUMN.test(name)) throw new TypeError(`Not a column name: ${JSON.stringify(name)}`);
  return quoteIdentifier(name);
}
