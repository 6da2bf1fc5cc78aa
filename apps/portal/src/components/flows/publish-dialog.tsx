'use client';
import { useState } from 'react';
import { Minus, MoveVertical, Pencil, Plus } from 'lucide-react';
import { cn } from '@/lib/cn';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Notice } from '@/components/ui/notice';
import type { FlowDefinition } from './definition';
import { diffDefinitions, type DiffEntry } from './flow-diff';
import type { Issue } from './step-panel';

const changeStyle: Record<DiffEntry['change'], { icon: typeof Plus; tone: string; word: string }> = {
  added: { icon: Plus, tone: 'bg-emerald-50 text-emerald-700 ring-emerald-200', word: 'Added' },
  removed: { icon: Minus, tone: 'bg-red-50 text-red-700 ring-red-200', word: 'Removed' },
  changed: { icon: Pencil, tone: 'bg-amber-50 text-amber-800 ring-amber-200', word: 'Changed' },
  moved: { icon: MoveVertical, tone: 'bg-sky-50 text-sky-700 ring-sky-200', word: 'Moved' },
};

/** The list of changes between two definitions. */
export function DiffList({ entries }: { entries: DiffEntry[] }) {
  return (
    <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200" data-testid="publish-diff">
      {entries.map((entry) => {
        const style = changeStyle[entry.change];
        const Icon = style.icon;
        return (
          <li key={`${entry.change}:${entry.target}`} className="flex gap-2.5 px-3 py-2">
            <span className={cn('mt-0.5 inline-flex h-5 shrink-0 items-center gap-1 rounded-md px-1.5 text-[11px] font-medium ring-1 ring-inset', style.tone)}>
              <Icon className="size-3" aria-hidden="true" />
              {style.word}
            </span>
            <div className="min-w-0 text-[13px]">
              <p className="font-medium text-zinc-900">{entry.label}</p>
              {entry.details.length ? (
                <ul className="mt-0.5 space-y-0.5">
                  {entry.details.map((d) => (
                    <li key={d} className="font-mono text-xs break-words text-zinc-600">
                      {d}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * "Publish version N": what will change compared with the published version, the problems that block it,
 * and whether to enable the flow right away.
 */
export function PublishDialog({
  open,
  onClose,
  onConfirm,
  published,
  draft,
  publishedVersion,
  enabled,
  issues,
  pending,
  error,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: (options: { enable: boolean }) => void;
  published: FlowDefinition | null;
  draft: FlowDefinition;
  publishedVersion: number | null;
  enabled: boolean;
  issues: Issue[];
  pending: boolean;
  error: string | null;
}) {
  const [enable, setEnable] = useState(true);
  const entries = open ? diffDefinitions(published, draft) : [];
  const next = (publishedVersion ?? 0) + 1;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={pending}
      className="w-[min(40rem,calc(100vw-2rem))]"
      title={`Publish version ${next}?`}
      description={
        published
          ? `Events that arrive after publishing run version ${next}; runs already started finish on version ${publishedVersion}.`
          : 'Publishing makes the draft the version that runs. You can keep editing the draft afterwards.'
      }
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={pending} data-autofocus>
            Cancel
          </Button>
          <Button onClick={() => onConfirm({ enable: !enabled && enable })} loading={pending} disabled={issues.length > 0 || entries.length === 0}>
            Publish version {next}
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        {error ? <Notice tone="error">{error}</Notice> : null}
        {issues.length ? (
          <Notice tone="error" title={`Fix ${issues.length === 1 ? 'this problem' : `these ${issues.length} problems`} first`}>
            <ul className="list-disc space-y-0.5 pl-4">
              {issues.slice(0, 8).map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <span className="font-mono text-xs">{i.path || 'flow'}</span>: {i.message}
                </li>
              ))}
            </ul>
          </Notice>
        ) : null}
        <section className="space-y-2">
          <h3 className="text-[13px] font-semibold text-zinc-900">{published ? `Changes since version ${publishedVersion}` : 'What will run'}</h3>
          {entries.length ? <DiffList entries={entries} /> : <p className="text-[13px] text-zinc-500">The draft is the same as the published version: there is nothing to publish.</p>}
        </section>
        {!enabled ? (
          <label className="flex items-start gap-2.5">
            <input type="checkbox" checked={enable} onChange={(e) => setEnable(e.target.checked)} className="mt-0.5 size-4 rounded border-zinc-300 text-indigo-600" />
            <span className="text-[13px] text-zinc-700">
              <span className="font-medium text-zinc-900">Enable the flow</span> so that it starts accepting events right away
            </span>
          </label>
        ) : null}
      </div>
    </Dialog>
  );
}
