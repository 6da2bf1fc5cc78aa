// prisma/schema.prisma is the typed model; the SQL migrations are what actually runs. This test fails
// when the two disagree on tables, columns, types, nullability or enum values.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { getDMMF } from '@prisma/internals';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';

const schemaPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/schema.prisma');
let db: TestDatabase;
let owner: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
});
afterAll(async () => {
  await owner.end();
  await db.close();
});

type Column = { type: string; nullable: boolean };

function expectedType(field: { type: string; kind: string; isList?: boolean; nativeType?: readonly [string, readonly string[]] | null }, enums: Map<string, string>): string {
  // Arrays (e.g. String[] → text[]) compare as ARRAY plus their element type.
  if (field.isList) return `ARRAY:${expectedType({ ...field, isList: false }, enums)}`;
  if (field.kind === 'enum') return `enum:${enums.get(field.type)}`;
  const native = field.nativeType?.[0];
  switch (field.type) {
    case 'String':
      return native === 'Uuid' ? 'uuid' : 'text';
    case 'Boolean':
      return 'boolean';
    case 'Int':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Bytes':
      return 'bytea';
    case 'Json':
      return 'jsonb';
    case 'Float':
      return 'double precision';
    case 'DateTime':
      if (native === 'Date') return 'date';
      return native === 'Timestamptz' ? 'timestamp with time zone' : 'timestamp without time zone';
    default:
      return `unmapped:${field.type}`;
  }
}

it('schema.prisma and the migrated database agree', async () => {
  const dmmf = await getDMMF({ datamodel: fs.readFileSync(schemaPath, 'utf8') });
  const enums = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const expected: Record<string, Record<string, Column>> = {};
  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    expected[table] = {};
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      expected[table][field.dbName ?? field.name] = {
        type: expectedType(field as never, enums),
        nullable: !field.isRequired,
      };
    }
  }

  const { rows } = await owner.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; element_type: string | null }>(`
    SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, e.data_type AS element_type
      FROM information_schema.columns c
      LEFT JOIN information_schema.element_types e
        ON e.object_schema = c.table_schema AND e.object_name = c.table_name AND e.object_type = 'TABLE'
       AND e.collection_type_identifier = c.dtd_identifier
     WHERE c.table_schema = 'public' AND c.table_name <> 'schema_migrations'`);
  const actual: Record<string, Record<string, Column>> = {};
  for (const r of rows) {
    (actual[r.table_name] ??= {})[r.column_name] = {
      type: r.data_type === 'USER-DEFINED' ? `enum:${r.udt_name}` : r.data_type === 'ARRAY' ? `ARRAY:${r.element_type}` : r.data_type,
      nullable: r.is_nullable === 'YES',
    };
  }
  expect(actual).toEqual(expected);

  const enumRows = await owner.query<{ name: string; values: string[] }>(`
    SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname`);
  const actualEnums = Object.fromEntries(enumRows.rows.map((r) => [r.name, r.values]));
  const expectedEnums = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
  expect(actualEnums).toEqual(expectedEnums);
});
