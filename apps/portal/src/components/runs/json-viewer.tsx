'use client';
import { useState, type ReactNode } from 'react';
import { Check, ChevronRight, Copy } from 'lucide-react';
import { cn } from '@/lib/cn';
import { REDACTED, redact } from './redact';

const MAX_CHILDREN = 200;

function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="text-zinc-400">null</span>;
  if (value === undefined) return <span className="text-zinc-400">undefined</span>;
  if (value === REDACTED) return <span className="text-zinc-400" title="Hidden: the key looks like a credential">{REDACTED}</span>;
  if (typeof value === 'string') return <span className="break-all text-emerald-700">&quot;{value}&quot;</span>;
  if (typeof value === 'number') return <span className="text-amber-700">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="text-violet-700">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

function Node({ name, value, depth, defaultDepth }: { name: ReactNode; value: unknown; depth: number; defaultDepth: number }) {
  const isArray = Array.isArray(value);
  const isObject = !!value && typeof value === 'object';
  const [open, setOpen] = useState(depth < defaultDepth);
  if (!isObject) {
    return (
      <div className="py-px pl-5">
        {name !== null ? <span className="text-zinc-600">{name}: </span> : null}
        <Scalar value={value} />
      </div>
    );
  }
  const entries: [string, unknown][] = isArray ? (value as unknown[]).map((v, i) => [String(i), v]) : Object.entries(value as Record<string, unknown>);
  const summary = isArray ? `[${entries.length} ${entries.length === 1 ? 'item' : 'items'}]` : `{${entries.length} ${entries.length === 1 ? 'field' : 'fields'}}`;
  if (!entries.length) {
    return (
      <div className="py-px pl-5">
        {name !== null ? <span className="text-zinc-600">{name}: </span> : null}
        <span className="text-zinc-400">{isArray ? '[]' : '{}'}</span>
      </div>
    );
  }
  return (
    <div>
      <button
        type="button"
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        className="flex w-full items-center gap-1 rounded py-px text-left hover:bg-zinc-100/70 focus-visible:bg-zinc-100"
      >
        <ChevronRight className={cn('size-3.5 shrink-0 text-zinc-400 transition-transform', open && 'rotate-90')} aria-hidden="true" />
        {name !== null ? <span className="text-zinc-600">{name}: </span> : null}
        <span className="text-zinc-400">{summary}</span>
      </button>
      {open ? (
        <div className="ml-[7px] border-l border-zinc-200 pl-1.5">
          {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
            <Node key={k} name={isArray ? <span className="text-zinc-400">{k}</span> : k} value={v} depth={depth + 1} defaultDepth={defaultDepth} />
          ))}
          {entries.length > MAX_CHILDREN ? <div className="py-px pl-5 text-zinc-400">… {entries.length - MAX_CHILDREN} more</div> : null}
        </div>
      ) : null}
    </div>
  );
}

/**
 * A collapsible tree of a JSON value (objects and arrays fold; the first levels start open), with a copy
 * button. Values of keys named like credentials are shown redacted unless `redactSecrets` is false.
 */
export function JsonViewer({
  value,
  defaultDepth = 2,
  redactSecrets = true,
  className,
  label,
  maxHeight = 'max-h-80',
}: {
  value: unknown;
  defaultDepth?: number;
  redactSecrets?: boolean;
  className?: string;
  /** Names the region for assistive technology, e.g. "Output of sendOrder". */
  label?: string;
  maxHeight?: string;
}) {
  const shown = redactSecrets ? redact(value) : value;
  const [copied, setCopied] = useState(false);
  return (
    <div role="group" aria-label={label} className={cn('relative rounded-lg border border-zinc-200 bg-zinc-50/70', className)}>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(JSON.stringify(shown, null, 2)).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
        className="absolute top-1.5 right-1.5 z-10 rounded-md border border-zinc-200 bg-white p-1 text-zinc-500 shadow-card hover:text-zinc-800"
        aria-label={copied ? 'Copied' : `Copy ${label ?? 'JSON'}`}
        title="Copy as JSON"
      >
        {copied ? <Check className="size-3.5 text-emerald-600" aria-hidden="true" /> : <Copy className="size-3.5" aria-hidden="true" />}
      </button>
      <div className={cn('overflow-auto px-2 py-2 pr-9 font-mono text-xs leading-5', maxHeight)}>
        <Node name={null} value={shown} depth={0} defaultDepth={defaultDepth} />
      </div>
    </div>
  );
}
