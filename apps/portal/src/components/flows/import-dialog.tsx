'use client';
import { useId, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ExternalLink, FileJson, Upload } from 'lucide-react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { Textarea } from './props-form';

/** The parts of an export document the dialog reads before sending it. */
interface ExportDocument {
  format: string;
  name: string;
  connections: { ref: string; connectorId: string; name: string }[];
  definition: { steps?: unknown[] };
}

function parseDocument(text: string): { doc: ExportDocument | null; error: string | null } {
  if (!text.trim()) return { doc: null, error: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { doc: null, error: 'This is not valid JSON. Paste the whole file that “Export to JSON” downloaded.' };
  }
  const doc = value as Partial<ExportDocument>;
  if (!doc || typeof doc !== 'object' || doc.format !== 'conflux.flow/v1' || typeof doc.name !== 'string' || !Array.isArray(doc.connections)) {
    return { doc: null, error: 'This JSON is not a Conflux flow export (its format should be “conflux.flow/v1”).' };
  }
  return { doc: doc as ExportDocument, error: null };
}

/**
 * Imports an exported flow: from a file or pasted JSON. The export names the connections it needs by
 * reference; the user picks one of their own for each (or leaves it to choose later in the builder).
 */
export function ImportFlowDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const queryClient = useQueryClient();
  const fileId = useId();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [choices, setChoices] = useState<Record<string, string>>({});
  const { doc, error: parseError } = parseDocument(text);
  const connections = useQuery({ ...trpc.connections.list.queryOptions(), enabled: open && !!doc?.connections.length });
  const importFlow = useMutation(
    trpc.flows.import.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        toast.show(
          result.unresolved.length
            ? `Imported “${result.flow.name}”. Choose a connection for ${result.unresolved.length === 1 ? 'one step' : `${result.unresolved.length} steps`} before publishing.`
            : `Imported “${result.flow.name}” as a draft.`,
        );
        reset();
        router.push(`/flows/${result.flow.id}`);
      },
    }),
  );

  function reset() {
    setText('');
    setFileName(null);
    setName('');
    setChoices({});
    importFlow.reset();
  }

  const submit = () => {
    if (!doc) return;
    const chosen = Object.fromEntries(Object.entries(choices).filter(([, id]) => id));
    importFlow.mutate({ document: JSON.parse(text) as unknown, connections: chosen, ...(name.trim() ? { name: name.trim() } : {}) });
  };

  return (
    <Dialog
      open={open}
      onClose={() => {
        reset();
        onClose();
      }}
      busy={importFlow.isPending}
      className="w-[min(36rem,calc(100vw-2rem))]"
      title="Import a flow"
      description="Bring in a flow exported from Conflux (this or another workspace). It arrives as a draft; nothing runs until you publish it."
      footer={
        <>
          <Button
            variant="secondary"
            onClick={() => {
              reset();
              onClose();
            }}
            disabled={importFlow.isPending}
          >
            Cancel
          </Button>
          <Button onClick={submit} disabled={!doc} loading={importFlow.isPending} icon={<Upload className="size-4" aria-hidden="true" />}>
            Import flow
          </Button>
        </>
      }
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {importFlow.error ? <Notice tone="error">{errorMessage(importFlow.error)}</Notice> : null}
        <div className="flex flex-wrap items-center gap-3">
          <label
            htmlFor={fileId}
            className="inline-flex h-9 cursor-pointer items-center gap-2 rounded-lg border border-zinc-200 bg-white px-3.5 text-sm font-medium text-zinc-800 shadow-card hover:bg-zinc-50 focus-within:outline-2 focus-within:outline-indigo-500"
          >
            <FileJson className="size-4 text-zinc-500" aria-hidden="true" />
            Choose a file…
            <input
              id={fileId}
              type="file"
              accept="application/json,.json"
              className="sr-only"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                setFileName(file.name);
                setText(await file.text());
                setChoices({});
              }}
            />
          </label>
          <span className="text-[13px] text-zinc-500">{fileName ? fileName : 'or paste the JSON below'}</span>
        </div>
        <Field label="Flow export (JSON)" error={parseError}>
          <Textarea
            rows={6}
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setFileName(null);
            }}
            placeholder='{ "format": "conflux.flow/v1", … }'
            className="font-mono text-xs"
          />
        </Field>
        {doc ? (
          <>
            <Field label="Name" hint="Leave empty to keep the exported name.">
              <Input value={name} onChange={(e) => setName(e.target.value)} placeholder={doc.name} maxLength={120} />
            </Field>
            {doc.connections.length ? (
              <section className="space-y-3" aria-label="Connections">
                <div>
                  <h3 className="text-[13px] font-semibold text-zinc-900">Connections this flow needs</h3>
                  <p className="text-xs text-zinc-500">Exports never carry credentials. Pick one of your connections for each, or choose later in the builder.</p>
                </div>
                {doc.connections.map((ref) => {
                  const own = (connections.data ?? []).filter((c) => c.connectorId === ref.connectorId);
                  return (
                    <Field
                      key={ref.ref}
                      label={`${ref.name} (${ref.connectorId})`}
                      hint={
                        !connections.isPending && own.length === 0 ? (
                          <>
                            You have no {ref.connectorId} connection.{' '}
                            <Link href={`/connections?connector=${encodeURIComponent(ref.connectorId)}`} target="_blank" className="font-medium text-indigo-600 hover:text-indigo-500">
                              Create one <ExternalLink className="inline size-3" aria-hidden="true" />
                            </Link>
                            , then reopen this list.
                          </>
                        ) : undefined
                      }
                    >
                      <Select value={choices[ref.ref] ?? ''} onChange={(e) => setChoices({ ...choices, [ref.ref]: e.target.value })} disabled={connections.isPending}>
                        <option value="">{connections.isPending ? 'Loading…' : 'Choose later'}</option>
                        {own.map((c) => (
                          <option key={c.id} value={c.id}>
                            {c.name}
                          </option>
                        ))}
                      </Select>
                    </Field>
                  );
                })}
                {connections.error ? <Notice tone="error">Your connections could not be loaded: {errorMessage(connections.error)}</Notice> : null}
              </section>
            ) : (
              <p className="text-[13px] text-zinc-500">This flow uses no connections.</p>
            )}
          </>
        ) : null}
      </form>
    </Dialog>
  );
}
