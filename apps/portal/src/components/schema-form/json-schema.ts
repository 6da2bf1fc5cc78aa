/**
 * The part of JSON Schema that connector manifests use (zod's `toJSONSchema` output), and pure helpers
 * over it: which fields a form has, their starting values, client-side checks, a readable type.
 */

/** A JSON Schema node as connector manifests carry them. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  writeOnly?: boolean;
}

/** How a field is edited. */
export type FieldControl = 'text' | 'textarea' | 'password' | 'email' | 'url' | 'number' | 'integer' | 'boolean' | 'enum' | 'string-list' | 'json';

/** One property of an object schema, ready to be drawn. */
export interface SchemaField {
  name: string;
  label: string;
  description: string | undefined;
  required: boolean;
  control: FieldControl;
  schema: JsonSchema;
  /** For string lists: whether one value is kept as a plain string (a `string | string[]` union). */
  singleAsString: boolean;
}

const LONG_TEXT = /^(text|html|body|content|message|notes?|template)$/i;
// Named like a credential: `password`, `clientSecret`, `apiKey`, `token` — but not `tokenUrl`.
const SECRET_NAME = /(secret|password|passphrase|token|key)$/i;
const ACRONYMS: Record<string, string> = { url: 'URL', id: 'ID', ids: 'IDs', api: 'API', html: 'HTML', smtp: 'SMTP', ts: 'TS', cc: 'Cc', bcc: 'Bcc', oauth: 'OAuth', json: 'JSON', http: 'HTTP' };

/** "clientId" → "Client ID", "bodyType" → "Body type". */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean);
  return words.map((w, i) => ACRONYMS[w.toLowerCase()] ?? (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w.toLowerCase())).join(' ');
}

/** Follows a local `$ref` (`#/$defs/x`) against the root schema. */
export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref?.startsWith('#/$defs/')) return schema;
  const target = root.$defs?.[schema.$ref.slice('#/$defs/'.length)];
  return target ? { ...target, ...schema, $ref: undefined } : schema;
}

const typesOf = (schema: JsonSchema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);
const isStringList = (schema: JsonSchema) => typesOf(schema).includes('array') && typesOf(schema.items ?? {}).join() === 'string' && !schema.items?.enum;

/** Whether a field holds a secret: marked writeOnly, or named like a credential (and not a URL). */
export function isSecretField(name: string, schema: JsonSchema): boolean {
  if (schema.writeOnly) return true;
  return SECRET_NAME.test(name) && schema.format !== 'uri' && typesOf(schema).includes('string');
}

function controlOf(name: string, schema: JsonSchema): { control: FieldControl; singleAsString: boolean } {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    // `string | string[]` (e.g. one recipient or several) is edited as a list.
    const list = variants.find(isStringList);
    const single = variants.find((v) => typesOf(v).join() === 'string');
    if (list && variants.length <= 2) return { control: 'string-list', singleAsString: !!single };
    return { control: 'json', singleAsString: false };
  }
  if (schema.enum && schema.enum.every((v) => typeof v === 'string' || typeof v === 'number')) return { control: 'enum', singleAsString: false };
  const types = typesOf(schema);
  if (types.length === 1) {
    switch (types[0]) {
      case 'string':
        if (isSecretField(name, schema)) return { control: 'password', singleAsString: false };
        if (schema.format === 'email') return { control: 'email', singleAsString: false };
        if (schema.format === 'uri') return { control: 'url', singleAsString: false };
        return { control: LONG_TEXT.test(name) || (schema.maxLength ?? 0) > 10_000 ? 'textarea' : 'text', singleAsString: false };
      case 'integer':
        return { control: 'integer', singleAsString: false };
      case 'number':
        return { control: 'number', singleAsString: false };
      case 'boolean':
        return { control: 'boolean', singleAsString: false };
      case 'array':
        return { control: isStringList(schema) ? 'string-list' : 'json', singleAsString: false };
    }
  }
  // Scalars of several types ("string, number or boolean") are typed as text.
  if (types.length > 1 && types.includes('string') && !types.includes('object') && !types.includes('array')) return { control: 'text', singleAsString: false };
  return { control: 'json', singleAsString: false };
}

/** The fields of an object schema, in declaration order. */
export function schemaFields(root: JsonSchema): SchemaField[] {
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties ?? {}).map(([name, raw]) => {
    const schema = resolveRef(raw, root);
    const { control, singleAsString } = controlOf(name, schema);
    return { name, label: schema.title ?? humanize(name), description: schema.description, required: required.has(name), control, schema, singleAsString };
  });
}

/** A starting value: each field's default, and nothing else (empty optional fields stay unset). */
export function initialValue(root: JsonSchema): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const field of schemaFields(root)) {
    if (field.schema.default !== undefined) value[field.name] = structuredClone(field.schema.default);
  }
  return value;
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * The value to submit: empty optional fields left out (so the server applies its defaults), blank entries
 * of string lists dropped, a one-item `string | string[]` list as a plain string.
 */
export function cleanValue(root: JsonSchema, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of schemaFields(root)) {
    let v = value[field.name];
    if (field.control === 'string-list' && Array.isArray(v)) {
      const items = v.map((item) => String(item).trim()).filter(Boolean);
      v = field.singleAsString && items.length === 1 ? items[0] : items;
    }
    if (typeof v === 'string' && field.control !== 'password' && field.control !== 'textarea') v = v.trim();
    if (isEmpty(v) && !(field.control === 'boolean' && v === false)) continue;
    out[field.name] = v;
  }
  return out;
}

function checkFormat(format: string | undefined, text: string): string | null {
  if (format === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return 'Enter an email address, like name@example.com.';
  if (format === 'uri' && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text)) return 'Enter a full URL, starting with https://.';
  return null;
}

/** One field's problem, or null. Mirrors the usual server-side checks; the server stays the judge. */
export function checkField(field: SchemaField, value: unknown): string | null {
  const { schema } = field;
  if (isEmpty(value)) return field.required && field.control !== 'boolean' ? `${field.label} is required.` : null;
  switch (field.control) {
    case 'text':
    case 'textarea':
    case 'password':
    case 'email':
    case 'url': {
      const text = String(value);
      if (schema.minLength !== undefined && text.length < schema.minLength) return `Use at least ${schema.minLength} characters.`;
      if (schema.maxLength !== undefined && text.length > schema.maxLength) return `Use at most ${schema.maxLength} characters.`;
      if (schema.pattern && field.control !== 'password') {
        try {
          if (!new RegExp(schema.pattern).test(text)) return `${field.label} is not in the expected format.`;
        } catch {
          // A pattern this browser cannot compile is left to the server.
        }
      }
      return checkFormat(schema.format, text.trim());
    }
    case 'integer':
    case 'number': {
      const n = Number(value);
      if (!Number.isFinite(n)) return 'Enter a number.';
      if (field.control === 'integer' && !Number.isInteger(n)) return 'Enter a whole number.';
      if (schema.minimum !== undefined && n < schema.minimum) return `Use ${schema.minimum} or more.`;
      if (schema.maximum !== undefined && n > schema.maximum) return `Use ${schema.maximum} or less.`;
      return null;
    }
    case 'enum':
      return schema.enum?.includes(value) ? null : 'Choose one of the options.';
    case 'string-list': {
      const items = (Array.isArray(value) ? value : [value]).map(String).filter((s) => s.trim());
      const itemSchema = (schema.anyOf ?? schema.oneOf)?.find(isStringList)?.items ?? schema.items;
      const min = (schema.anyOf ?? schema.oneOf)?.find(isStringList)?.minItems ?? schema.minItems;
      if (field.required && items.length === 0) return `${field.label} is required.`;
      if (min !== undefined && items.length > 0 && items.length < min && !field.singleAsString) return `Add at least ${min}.`;
      for (const item of items) {
        const problem = itemSchema ? checkFormat(itemSchema.format, item.trim()) : null;
        if (problem) return problem;
        if (itemSchema?.maxLength !== undefined && item.length > itemSchema.maxLength) return `Each entry can be at most ${itemSchema.maxLength} characters.`;
      }
      return null;
    }
    default:
      return null;
  }
}

/** Problems by field name (empty when the value looks acceptable). */
export function validateSchemaValue(root: JsonSchema, value: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of schemaFields(root)) {
    const problem = checkField(field, value[field.name]);
    if (problem) errors[field.name] = problem;
  }
  return errors;
}

/** A short, readable type: "text", "whole number (1–65535)", "one of GET, POST", "list of text". */
export function describeSchemaType(schema: JsonSchema, root: JsonSchema = schema): string {
  const s = resolveRef(schema, root);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) {
    if (variants.length > 4) return 'any JSON value';
    return [...new Set(variants.map((v) => describeSchemaType(v, root)))].join(' or ');
  }
  if (s.enum) return `one of ${s.enum.map((v) => String(v)).join(', ')}`;
  const types = typesOf(s);
  const range = (lo?: number, hi?: number) => (lo !== undefined && hi !== undefined ? ` (${lo}–${hi})` : lo !== undefined ? ` (≥ ${lo})` : hi !== undefined ? ` (≤ ${hi})` : '');
  if (types.length > 1) return types.map((t) => describeSchemaType({ ...s, type: t }, root)).join(' or ');
  switch (types[0]) {
    case 'string':
      if (s.format === 'email') return 'email address';
      if (s.format === 'uri') return 'URL';
      if (s.format === 'date-time') return 'date and time';
      if (s.format === 'base64') return 'base64 text';
      return 'text';
    case 'integer':
      return `whole number${range(s.minimum, s.maximum)}`;
    case 'number':
      return `number${range(s.minimum, s.maximum)}`;
    case 'boolean':
      return 'yes/no';
    case 'null':
      return 'null';
    case 'array':
      return s.items ? `list of ${describeSchemaType(s.items, root)}` : 'list';
    case 'object':
      if (s.properties) return 'object';
      if (s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${describeSchemaType(s.additionalProperties, root)}`;
      return 'object';
    default:
      return 'any JSON value';
  }
}
