'use client';
import type { ReactNode, TextareaHTMLAttributes } from 'react';
import { Braces, Type } from 'lucide-react';
import { cn } from '@/lib/cn';
import { SchemaForm, type JsonSchema as SchemaFormSchema, type SchemaField } from '@/components/schema-form';
import { useField } from '@/components/ui/field';
import { controlClasses } from '@/components/ui/input';
import { isExpression, type PropValue } from './definition';
import { MappingEditor } from './mapping-editor';

/** The JSON Schema of a step's props, as connector manifests carry it. */
export type JsonSchema = SchemaFormSchema;

/**
 * The settings of a step, drawn from its props JSON Schema by the shared SchemaForm. With `expressions`,
 * every field can switch between a literal value and data from earlier steps (a JSONata expression, with
 * the field picker and a preview over the sample input).
 */
export function PropsForm({
  schema,
  values,
  onChange,
  expressions = false,
  input,
  inputLabel,
  issues,
  idPrefix,
}: {
  schema: JsonSchema | null | undefined;
  values: Record<string, PropValue>;
  onChange: (values: Record<string, PropValue>) => void;
  expressions?: boolean;
  input?: unknown;
  inputLabel?: string;
  /** Server problems by prop name. */
  issues?: Map<string, { message: string; line?: number | undefined; column?: number | undefined }>;
  idPrefix: string;
}) {
  if (!schema || !Object.keys(schema.properties ?? {}).length) return <p className="text-[13px] text-zinc-500">This has no settings.</p>;
  const set = (name: string, value: PropValue | undefined) => {
    const next = { ...values };
    if (value === undefined) delete next[name];
    else next[name] = value;
    onChange(next);
  };
  // Expression fields show their own live error; literal ones the server's.
  const errors = Object.fromEntries([...(issues ?? [])].filter(([name]) => !isExpression(values[name])).map(([name, issue]) => [name, issue.message]));
  return (
    <SchemaForm
      schema={schema}
      idPrefix={idPrefix}
      value={values}
      errors={errors}
      onChange={(next) => {
        // Cleared fields are left out, so the action's defaults apply (strings are kept as typed).
        const kept = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)));
        onChange(kept as Record<string, PropValue>);
      }}
      renderField={
        expressions
          ? (field: SchemaField, control: ReactNode) => {
              const value = values[field.name];
              const exprMode = isExpression(value);
              const toggle = (
                <button
                  type="button"
                  aria-pressed={exprMode}
                  aria-label={`Use data from earlier steps for ${field.label}`}
                  title={exprMode ? 'Type a fixed value instead' : 'Use data from earlier steps'}
                  onClick={() => set(field.name, exprMode ? undefined : { expr: literalAsExpression(value) })}
                  className={cn(
                    'inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs font-medium transition-colors',
                    exprMode ? 'bg-indigo-50 text-indigo-700 ring-1 ring-indigo-200 ring-inset' : 'text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800',
                  )}
                >
                  {exprMode ? <Braces className="size-3.5" aria-hidden="true" /> : <Type className="size-3.5" aria-hidden="true" />}
                  {exprMode ? 'Data from earlier steps' : 'Fixed value'}
                </button>
              );
              // The toggle sits at the right of the field's label row (a checkbox has no label row above it).
              const toggleRow = <div className={cn('flex justify-end', field.control !== 'boolean' && '-mt-7')}>{toggle}</div>;
              if (!exprMode) {
                return (
                  <div className="space-y-1">
                    {toggleRow}
                    {control}
                  </div>
                );
              }
              return (
                <div className="space-y-1">
                  {toggleRow}
                  <div className="rounded-lg border border-indigo-100 bg-indigo-50/30 p-3">
                    <MappingEditor
                      label={`${field.label}: expression`}
                      hideLabel
                      value={value.expr}
                      onChange={(expr) => set(field.name, { expr })}
                      input={input}
                      inputLabel={inputLabel}
                      savedIssue={issues?.get(field.name) ?? null}
                      minLines={2}
                      editorTestId={`expr-${field.name}`}
                    />
                  </div>
                </div>
              );
            }
          : undefined
      }
    />
  );
}

/** A literal turned into an equivalent expression, so switching keeps what was typed. */
function literalAsExpression(value: PropValue | undefined): string {
  if (value === undefined || value === null || value === '') return '';
  return JSON.stringify(value, null, 2);
}

/** A textarea that takes its id, description and invalid state from the surrounding Field. */
export function Textarea({ className, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const field = useField();
  return (
    <textarea
      id={field?.id}
      aria-describedby={field?.describedBy}
      aria-invalid={field?.invalid || undefined}
      aria-required={field?.required || undefined}
      className={cn(controlClasses, 'py-2', className)}
      {...rest}
    />
  );
}
