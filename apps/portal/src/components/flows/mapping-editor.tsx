'use client';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { AlertCircle, CheckCircle2, CircleSlash, Maximize2, Search } from 'lucide-react';
import { cn } from '@/lib/cn';
import { useTRPC, useTRPCClient } from '@/lib/trpc';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Spinner } from '@/components/ui/spinner';
import { JsonViewer } from '@/components/runs/json-viewer';
import { CodeEditor, type CodeEditorHandle, type CodeProblem } from './code-editor';

/** Waits until a value has stopped changing for `ms` before passing it on. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** A problem the server reported for this expression when the draft was saved (flows.get issues). */
export interface SavedIssue {
  message: string;
  line?: number | undefined;
  column?: number | undefined;
}

function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i]!.length + 1;
  return offset + Math.max(0, column - 1);
}

/**
 * The JSONata editor of the flow builder: CodeMirror with highlighting, the compile error underlined where
 * it is (validated as you type), a live preview of the result against the sample input, and the input's
 * fields, which insert their path at the cursor on click.
 */
export function MappingEditor({
  label,
  hint,
  value,
  onChange,
  input,
  inputLabel,
  kind = 'expression',
  savedIssue,
  minLines = 5,
  showFields = true,
  editorTestId,
  aside,
  expandable = true,
  hideLabel = false,
}: {
  label: ReactNode;
  hint?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** What the expression reads: `{ trigger, steps }` built from samples or a real event. */
  input: unknown;
  /** Where the input comes from, e.g. "Webhook sample"; shown above the preview. */
  inputLabel?: string;
  /** A condition's result is read as true/false (filters, branches). */
  kind?: 'expression' | 'condition';
  savedIssue?: SavedIssue | null;
  minLines?: number;
  showFields?: boolean;
  editorTestId?: string;
  aside?: ReactNode;
  /** Offers a large editor in a dialog, for long expressions in a narrow panel. */
  expandable?: boolean;
  /** The label is drawn by the surrounding field; it stays for assistive technology. */
  hideLabel?: boolean;
}) {
  const [expanded, setExpanded] = useState(false);
  const trpc = useTRPC();
  const client = useTRPCClient();
  const labelId = useId();
  const errorId = useId();
  const editor = useRef<CodeEditorHandle>(null);
  const expression = useDebounced(value, 300);
  const empty = expression.trim() === '';

  const validation = useQuery({ ...trpc.mappings.validate.queryOptions({ expression }), enabled: !empty, staleTime: Infinity, placeholderData: (prev) => prev });
  const invalid = validation.data && !validation.data.ok ? validation.data.error : null;
  const preview = useQuery({
    queryKey: ['mapping-preview', expression, input],
    queryFn: () => client.mappings.preview.mutate({ expression, sample: input }),
    enabled: !empty && validation.data?.ok === true,
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });

  const problem: CodeProblem | null = useMemo(() => {
    if (empty) return null;
    if (invalid) return { position: invalid.position, length: invalid.token?.length ?? 1, message: invalid.message };
    // Until the live check answers, show what the server said about the saved draft.
    if (!validation.data && savedIssue?.line) return { position: offsetOf(value, savedIssue.line, savedIssue.column ?? 1), length: 1, message: savedIssue.message };
    return null;
  }, [empty, invalid, validation.data, savedIssue, value]);

  const errorText = empty
    ? `Write ${kind === 'condition' ? 'a condition' : 'an expression'}.`
    : invalid
      ? `Line ${invalid.line}, column ${invalid.column}: ${invalid.message}`
      : !validation.data && savedIssue
        ? `${savedIssue.line ? `Line ${savedIssue.line}, column ${savedIssue.column ?? 1}: ` : ''}${savedIssue.message}`
        : null;

  return (
    <div className="space-y-3 @container">
      <div className="space-y-1.5">
        <div className={cn('flex items-baseline justify-between gap-3', hideLabel && 'justify-end')}>
          <span id={labelId} className={cn('block text-[13px] font-medium text-zinc-800', hideLabel && 'sr-only')}>
            {label}
          </span>
          <span className="flex items-center gap-1">
            {aside}
            {expandable ? (
              <button
                type="button"
                onClick={() => setExpanded(true)}
                className="rounded-md p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
                aria-label="Open in a large editor"
                title="Open in a large editor"
              >
                <Maximize2 className="size-3.5" aria-hidden="true" />
              </button>
            ) : null}
          </span>
        </div>
        <CodeEditor
          ref={editor}
          value={value}
          onChange={onChange}
          problem={problem}
          labelledBy={labelId}
          describedBy={errorText ? errorId : undefined}
          minLines={minLines}
          invalid={!!errorText && !empty}
          testId={editorTestId}
        />
        {errorText ? (
          <p id={errorId} role="alert" className="flex items-start gap-1.5 text-[13px] text-red-600">
            <AlertCircle className="mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
            <span>{errorText}</span>
          </p>
        ) : hint ? (
          <p className="text-[13px] text-zinc-500">{hint}</p>
        ) : null}
      </div>

      {expandable ? (
        <Dialog
          open={expanded}
          onClose={() => setExpanded(false)}
          title={label}
          description={hint}
          className="w-[min(72rem,calc(100vw-2rem))]"
          footer={<Button onClick={() => setExpanded(false)}>Done</Button>}
        >
          {expanded ? (
            <MappingEditor
              label="Expression"
              value={value}
              onChange={onChange}
              input={input}
              inputLabel={inputLabel}
              kind={kind}
              savedIssue={savedIssue}
              minLines={14}
              showFields={showFields}
              expandable={false}
            />
          ) : null}
        </Dialog>
      ) : null}

      <div className={cn('grid gap-3', showFields && '@xl:grid-cols-2')}>
        {showFields ? <FieldList input={input} onInsert={(path) => editor.current?.insert(path)} /> : null}
        <section aria-label="Preview" className="min-w-0 space-y-1.5">
          <div className="flex items-center justify-between gap-2">
            <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Preview</h4>
            <span className="flex min-w-0 items-center gap-1.5 text-xs text-zinc-500">
              {preview.isFetching || validation.isFetching ? <Spinner className="size-3" /> : null}
              <span className="truncate">{inputLabel ? `on ${inputLabel}` : null}</span>
            </span>
          </div>
          <PreviewResult kind={kind} empty={empty} invalid={!!invalid} data={preview.data} error={preview.error} loading={preview.isPending && !empty && !invalid} />
        </section>
      </div>
    </div>
  );
}

function PreviewResult({
  kind,
  empty,
  invalid,
  data,
  error,
  loading,
}: {
  kind: 'expression' | 'condition';
  empty: boolean;
  invalid: boolean;
  data: { ok: true; output?: unknown; durationMs: number } | { ok: false; error: { message: string; code: string }; durationMs: number } | undefined;
  error: unknown;
  loading: boolean;
}) {
  const box = 'rounded-lg border px-3 py-2 text-[13px]';
  if (empty || invalid) return <p className={cn(box, 'border-dashed border-zinc-200 text-zinc-500')}>Fix the expression to see its result.</p>;
  if (error) return <p className={cn(box, 'border-red-200 bg-red-50/60 text-red-800')}>The preview could not run. Check your connection and try again.</p>;
  if (loading || !data) return <p className={cn(box, 'border-zinc-200 text-zinc-500')}>Evaluating…</p>;
  if (!data.ok) {
    return (
      <p data-testid="mapping-preview-error" className={cn(box, 'border-red-200 bg-red-50/60 text-red-800')}>
        {data.error.message}
      </p>
    );
  }
  if (kind === 'condition') {
    const passes = !!data.output && !(Array.isArray(data.output) && data.output.length === 0);
    return (
      <p data-testid="mapping-preview" className={cn(box, 'flex items-center gap-2', passes ? 'border-emerald-200 bg-emerald-50/60 text-emerald-800' : 'border-amber-200 bg-amber-50/60 text-amber-900')}>
        {passes ? <CheckCircle2 className="size-4" aria-hidden="true" /> : <CircleSlash className="size-4" aria-hidden="true" />}
        {passes ? 'True for this sample: the run continues.' : 'False for this sample: the run stops here.'}
      </p>
    );
  }
  if (data.output === undefined) {
    return (
      <p data-testid="mapping-preview" className={cn(box, 'border-amber-200 bg-amber-50/60 text-amber-900')}>
        Nothing matched: the expression gives no value for this sample.
      </p>
    );
  }
  return (
    <div data-testid="mapping-preview">
      <JsonViewer value={data.output} label="Preview output" redactSecrets={false} maxHeight="max-h-64" />
    </div>
  );
}

/** The input's fields; a click inserts the path at the editor's cursor. */
export function FieldList({ input, onInsert, className }: { input: unknown; onInsert: (path: string) => void; className?: string }) {
  const trpc = useTRPC();
  const fields = useQuery({ ...trpc.mappings.fields.queryOptions({ sample: input }), staleTime: Infinity, placeholderData: (prev) => prev });
  const [filter, setFilter] = useState('');
  const searchId = useId();
  const shown = (fields.data ?? []).filter((f) => !filter || f.path.toLowerCase().includes(filter.toLowerCase()));
  return (
    <section aria-label="Fields you can use" className={cn('min-w-0 space-y-1.5', className)}>
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Insert a field</h4>
        <div className="relative w-36">
          <Search className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
          <label htmlFor={searchId} className="sr-only">
            Filter fields
          </label>
          <input
            id={searchId}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Filter"
            className="h-7 w-full rounded-md border border-zinc-200 bg-white pr-2 pl-7 text-xs focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none"
          />
        </div>
      </div>
      <ul className="max-h-64 overflow-auto rounded-lg border border-zinc-200 bg-white py-1">
        {fields.isPending ? (
          <li className="px-3 py-2 text-xs text-zinc-500">Reading the sample…</li>
        ) : shown.length === 0 ? (
          <li className="px-3 py-2 text-xs text-zinc-500">{filter ? 'No field matches.' : 'The sample has no fields.'}</li>
        ) : (
          shown.map((f) => (
            <li key={f.path}>
              <button
                type="button"
                onClick={() => onInsert(f.path)}
                title={`Insert ${f.path}`}
                aria-label={`Insert ${f.path} (${f.type}${f.example !== undefined ? `, e.g. ${JSON.stringify(f.example)}` : ''})`}
                className="flex w-full items-baseline gap-2 px-3 py-1 text-left text-xs hover:bg-indigo-50 focus-visible:bg-indigo-50 focus-visible:outline-none"
              >
                <span className="min-w-0 truncate font-mono text-zinc-800">{f.path}</span>
                <span className="ml-auto shrink-0 text-[11px] text-zinc-400">{f.type}</span>
                {f.example !== undefined ? <span className="max-w-[40%] shrink truncate font-mono text-[11px] text-zinc-500">{JSON.stringify(f.example)}</span> : null}
              </button>
            </li>
          ))
        )}
      </ul>
    </section>
  );
}
