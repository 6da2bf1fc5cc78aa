'use client';
import { useId, useState, type ReactNode } from 'react';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { PasswordInput } from '@/components/ui/password-input';
import { Select } from '@/components/ui/select';
import { schemaFields, type JsonSchema, type SchemaField } from './json-schema';
import { Checkbox, JsonInput, StringListInput, Textarea } from './widgets';

/** Props of {@link SchemaForm}. */
export interface SchemaFormProps {
  /** JSON Schema of an object: its `properties` become fields, `required` gets markers. */
  schema: JsonSchema;
  /** The current value, keyed by property name (start from `initialValue(schema)`). */
  value: Record<string, unknown>;
  /** Receives the whole next value on every edit. */
  onChange: (next: Record<string, unknown>) => void;
  /** Messages by property name: client checks (`validateSchemaValue`) or the server's. */
  errors?: Record<string, string | null | undefined>;
  /** Makes element ids unique when several forms share a page (default: a generated one). */
  idPrefix?: string;
  disabled?: boolean;
  /** Property names not to draw (e.g. drawn elsewhere). */
  omit?: string[];
  /** Replaces how a field is drawn: return a node, or undefined to keep the default control. */
  renderField?: (field: SchemaField, defaultControl: ReactNode) => ReactNode | undefined;
  /** Placeholders by property name, when the schema's examples are not enough. */
  placeholders?: Record<string, string>;
}

/**
 * A form generated from a JSON Schema object: text, long text, email, URL, password (any field named like
 * a secret, key, token or password), number, yes/no, a choice of values, lists of text, and raw JSON for
 * anything else. Labels come from `title` or the property name, hints from `description`, required
 * markers from `required`. Controlled: the parent keeps the value and the errors; see `index.ts`.
 */
export function SchemaForm({ schema, value, onChange, errors = {}, idPrefix, disabled, omit = [], renderField, placeholders = {} }: SchemaFormProps) {
  const generated = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const prefix = idPrefix ?? `sf${generated}`;
  const [jsonProblems, setJsonProblems] = useState<Record<string, string | null>>({});
  const fields = schemaFields(schema).filter((f) => !omit.includes(f.name));
  if (fields.length === 0) return null;

  const set = (name: string, next: unknown) => {
    const copy = { ...value };
    if (next === undefined) delete copy[name];
    else copy[name] = next;
    onChange(copy);
  };

  return (
    <div className="space-y-4">
      {fields.map((field) => {
        const id = `${prefix}-${field.name}`;
        const error = errors[field.name] ?? jsonProblems[field.name] ?? null;
        const current = value[field.name];
        const placeholder = placeholders[field.name] ?? (field.schema.default !== undefined && typeof field.schema.default !== 'object' ? String(field.schema.default) : undefined);

        if (field.control === 'boolean') {
          const control = (
            <div className="space-y-1.5">
              <Checkbox
                id={id}
                label={field.label}
                description={field.description}
                checked={current === true}
                disabled={disabled}
                invalid={!!error}
                onChange={(checked) => set(field.name, checked)}
              />
              {error ? (
                <p role="alert" className="text-[13px] text-red-600">
                  {error}
                </p>
              ) : null}
            </div>
          );
          return <div key={field.name}>{renderField?.(field, control) ?? control}</div>;
        }

        let control: ReactNode;
        switch (field.control) {
          case 'password':
            control = <PasswordInput name={field.name} value={String(current ?? '')} disabled={disabled} autoComplete="off" spellCheck={false} onChange={(e) => set(field.name, e.target.value)} />;
            break;
          case 'textarea':
            control = <Textarea name={field.name} value={String(current ?? '')} disabled={disabled} rows={4} placeholder={placeholder} onChange={(e) => set(field.name, e.target.value)} />;
            break;
          case 'integer':
          case 'number':
            control = (
              <Input
                name={field.name}
                type="number"
                inputMode={field.control === 'integer' ? 'numeric' : 'decimal'}
                step={field.control === 'integer' ? 1 : 'any'}
                min={field.schema.minimum}
                max={field.schema.maximum}
                value={typeof current === 'number' ? String(current) : ''}
                placeholder={placeholder}
                disabled={disabled}
                className="max-w-48"
                onChange={(e) => set(field.name, e.target.value === '' ? undefined : Number(e.target.value))}
              />
            );
            break;
          case 'enum':
            control = (
              <Select
                name={field.name}
                value={current === undefined ? '' : String(current)}
                disabled={disabled}
                wrapperClassName="max-w-sm"
                onChange={(e) => {
                  const option = field.schema.enum?.find((v) => String(v) === e.target.value);
                  set(field.name, e.target.value === '' ? undefined : option);
                }}
              >
                {field.required && field.schema.default !== undefined ? null : <option value="">{field.required ? 'Choose…' : '—'}</option>}
                {field.schema.enum?.map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </Select>
            );
            break;
          case 'string-list': {
            const items = Array.isArray(current) ? current.map(String) : typeof current === 'string' ? [current] : [];
            const itemFormat = (field.schema.anyOf ?? field.schema.oneOf ?? [field.schema]).map((v) => v.items?.format ?? v.format).find(Boolean);
            control = (
              <StringListInput
                id={id}
                label={field.label}
                value={items}
                disabled={disabled}
                placeholder={placeholder}
                inputType={itemFormat === 'email' ? 'email' : itemFormat === 'uri' ? 'url' : 'text'}
                onChange={(next) => set(field.name, next)}
              />
            );
            break;
          }
          case 'json':
            control = (
              <JsonInput
                id={id}
                value={current}
                disabled={disabled}
                onChange={(next) => set(field.name, next)}
                onProblem={(problem) => setJsonProblems((p) => ({ ...p, [field.name]: problem }))}
              />
            );
            break;
          default:
            control = (
              <Input
                name={field.name}
                type={field.control === 'email' ? 'email' : field.control === 'url' ? 'url' : 'text'}
                inputMode={field.control === 'email' ? 'email' : field.control === 'url' ? 'url' : undefined}
                value={String(current ?? '')}
                placeholder={placeholder}
                disabled={disabled}
                maxLength={field.schema.maxLength}
                autoComplete="off"
                onChange={(e) => set(field.name, e.target.value)}
              />
            );
        }
        const drawn = renderField?.(field, control) ?? control;
        return (
          <Field key={field.name} id={id} label={field.label} hint={field.description} error={error} required={field.required}>
            {drawn}
          </Field>
        );
      })}
    </div>
  );
}
