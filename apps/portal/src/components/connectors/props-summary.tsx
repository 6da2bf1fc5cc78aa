import { Badge } from '@/components/ui/badge';
import { describeSchemaType, schemaFields, type JsonSchema } from '@/components/schema-form';

function formatDefault(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'object') return Object.keys(value ?? {}).length === 0 ? null : JSON.stringify(value);
  return String(value);
}

/** What an action or trigger takes: each field's name, type, whether it is required, and what it means. */
export function PropsSummary({ schema, emptyText = 'Takes no settings.' }: { schema: unknown; emptyText?: string }) {
  const root = (schema ?? {}) as JsonSchema;
  const fields = schemaFields(root);
  if (fields.length === 0) return <p className="text-[13px] text-zinc-500">{emptyText}</p>;
  return (
    <dl className="divide-y divide-zinc-100 rounded-lg border border-zinc-200">
      {fields.map((field) => {
        const fallback = formatDefault(field.schema.default);
        return (
          <div key={field.name} className="grid gap-x-4 gap-y-1 px-3.5 py-2.5 text-[13px] sm:grid-cols-[minmax(0,13rem)_minmax(0,1fr)]">
            <dt className="min-w-0 space-y-1">
              <div className="flex flex-wrap items-center gap-1.5">
                <span className="font-medium text-zinc-900">{field.label}</span>
                {field.required ? <Badge tone="accent">Required</Badge> : null}
              </div>
              <code className="block truncate font-mono text-xs text-zinc-500" title={field.name}>
                {field.name}
              </code>
            </dt>
            <dd className="min-w-0 space-y-1">
              <p className="text-xs font-medium text-zinc-600">{describeSchemaType(field.schema, root)}</p>
              {field.description ? <p className="text-zinc-600">{field.description}</p> : null}
              {fallback ? (
                <p className="text-xs text-zinc-500">
                  Default: <code className="font-mono text-zinc-700">{fallback}</code>
                </p>
              ) : null}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
