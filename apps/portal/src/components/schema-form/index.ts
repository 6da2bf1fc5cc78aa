/**
 * Forms generated from JSON Schema — the schemas connector manifests carry for connection credentials
 * (`catalog.get` → `auth[].fields`) and for action and trigger props (`actions[].props`).
 *
 * ```tsx
 * const [value, setValue] = useState(() => initialValue(schema));
 * const [errors, setErrors] = useState<Record<string, string>>({});
 *
 * function submit() {
 *   const problems = validateSchemaValue(schema, value);   // required, lengths, ranges, formats, enums
 *   setErrors(problems);
 *   if (Object.keys(problems).length === 0) save(cleanValue(schema, value));  // empty optionals dropped
 * }
 *
 * <SchemaForm schema={schema} value={value} onChange={setValue} errors={errors} />
 * ```
 *
 * Field kinds, by schema: `string` → text (long text for `text`/`html`/`body`-like names or maxLength >
 * 10,000), `format: email`/`uri` → email/URL inputs; a string named like a credential (`…secret`,
 * `…password`, `…token`, `…key`) or marked `writeOnly` → password input with show/hide; `integer`/`number`
 * → number input with the schema's bounds; `boolean` → checkbox; `enum` → select; an array of strings (or
 * `string | string[]`) → a list editor; anything else (objects, maps, unions) → JSON text. Labels are
 * `title` or the humanized property name ("clientId" → "Client ID"), hints are `description`, required
 * fields are marked. `renderField` replaces one field's control (e.g. with an expression editor) while
 * keeping the label, hint and error around it.
 *
 * Also exported for read-only use: `schemaFields` (the fields a form would draw) and
 * `describeSchemaType` ("whole number (1–65535)", "list of email address").
 */
export { SchemaForm, type SchemaFormProps } from './schema-form';
export {
  checkField,
  cleanValue,
  describeSchemaType,
  humanize,
  initialValue,
  isSecretField,
  resolveRef,
  schemaFields,
  validateSchemaValue,
  type FieldControl,
  type JsonSchema,
  type SchemaField,
} from './json-schema';
export { Checkbox, JsonInput, StringListInput, Textarea } from './widgets';
