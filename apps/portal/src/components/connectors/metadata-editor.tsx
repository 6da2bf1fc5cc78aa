'use client';
import { Plus, X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

/** A setting a connector documents (from its manifest's `connectionMetadata`). */
export interface DocumentedSetting {
  key: string;
  label: string;
  description: string;
  example?: string;
}

/** One key/value row of the editor. */
export interface MetadataRow {
  key: string;
  value: string;
}

/** Rows for the editor: the documented settings first (with their current values), then any others. */
const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function metadataRows(documented: DocumentedSetting[], current: Record<string, unknown> = {}): MetadataRow[] {
  const known = new Set(documented.map((d) => d.key));
  return [...documented.map((d) => ({ key: d.key, value: text(current[d.key]) })), ...Object.entries(current).filter(([k]) => !known.has(k)).map(([key, value]) => ({ key, value: text(value) }))];
}

/**
 * The metadata to save: trimmed, without empty keys or values. A value left as it was keeps its type
 * (a `true` set through the API stays a boolean, not the text "true").
 */
export function rowsToMetadata(rows: MetadataRow[], original: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    const key = row.key.trim();
    const value = row.value.trim();
    if (!key || !value) continue;
    out[key] = Object.hasOwn(original, key) && text(original[key]) === value ? original[key] : value;
  }
  return out;
}

/** Problems of the rows (a key used twice, a malformed key), or null. */
export function metadataProblem(rows: MetadataRow[]): string | null {
  const keys = rows.map((r) => r.key.trim()).filter(Boolean);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) return `“${twice}” is set twice: keep one.`;
  const bad = keys.find((k) => !/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/.test(k));
  if (bad) return `“${bad}” is not a usable name: start with a letter, then letters, digits, dots, dashes or underscores.`;
  return null;
}

/**
 * Key/value settings of a connection (not secret: stored as they are, shown again). Documented settings get
 * their label, description and an example; other keys can be added for connectors that read them.
 */
export function MetadataEditor({
  idPrefix,
  documented,
  rows,
  onChange,
  disabled,
  error,
}: {
  idPrefix: string;
  documented: DocumentedSetting[];
  rows: MetadataRow[];
  onChange: (rows: MetadataRow[]) => void;
  disabled?: boolean;
  error?: string | null;
}) {
  const docs = new Map(documented.map((d) => [d.key, d]));
  const set = (index: number, patch: Partial<MetadataRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <div className="space-y-3">
      {rows.map((row, index) => {
        const doc = index < documented.length ? docs.get(row.key) : undefined;
        const id = `${idPrefix}-${index}`;
        if (doc) {
          return (
            <div key={`doc-${doc.key}`} className="space-y-1.5">
              <label htmlFor={id} className="block text-[13px] font-medium text-zinc-800">
                {doc.label} <code className="ml-1 font-mono text-xs font-normal text-zinc-400">{doc.key}</code>
              </label>
              <Input id={id} value={row.value} placeholder={doc.example} disabled={disabled} aria-describedby={`${id}-hint`} onChange={(e) => set(index, { value: e.target.value })} />
              <p id={`${id}-hint`} className="text-[13px] text-zinc-500">
                {doc.description}
              </p>
            </div>
          );
        }
        return (
          <div key={`row-${index}`} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] items-center gap-2">
            <Input aria-label={`Setting ${index + 1} name`} placeholder="name" value={row.key} disabled={disabled} className="font-mono text-xs" onChange={(e) => set(index, { key: e.target.value })} />
            <Input aria-label={`Setting ${index + 1} value`} placeholder="value" value={row.value} disabled={disabled} onChange={(e) => set(index, { value: e.target.value })} />
            <button
              type="button"
              disabled={disabled}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
              className="flex size-8 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
              aria-label={`Remove setting ${index + 1}`}
            >
              <X className="size-4" aria-hidden="true" />
            </button>
          </div>
        );
      })}
      {error ? (
        <p role="alert" className="text-[13px] text-red-600">
          {error}
        </p>
      ) : null}
      <Button variant="ghost" size="sm" disabled={disabled} icon={<Plus className="size-3.5" aria-hidden="true" />} onClick={() => onChange([...rows, { key: '', value: '' }])}>
        Add a setting
      </Button>
    </div>
  );
}
