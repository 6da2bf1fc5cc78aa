'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check, Copy, Eye, EyeOff } from 'lucide-react';
import { cn } from '@/lib/cn';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { Notice } from '@/components/ui/notice';
import { useToast } from '@/components/ui/toast';

/** The webhook endpoint of a flow, as flows.get returns it. */
export interface WebhookInfo {
  url: string;
  authMode: 'hmac' | 'path_token';
  secret: string | null;
}

/** A button that copies a text and says so. */
export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
      aria-label={copied ? `${label}: copied` : label}
      title={label}
      className={cn('shrink-0 rounded-md border border-zinc-200 bg-white p-1.5 text-zinc-500 shadow-card hover:bg-zinc-50 hover:text-zinc-800', className)}
    >
      {copied ? <Check className="size-3.5 text-emerald-600" aria-hidden="true" /> : <Copy className="size-3.5" aria-hidden="true" />}
    </button>
  );
}

/** A sample request in shell: the HMAC signature computed with openssl, as the gateway verifies it. */
export function sampleCurl(webhook: WebhookInfo, body = '{"id":"ord_1042","total":4999,"currency":"EUR"}'): string {
  if (webhook.authMode === 'path_token') {
    return [`curl -X POST '${webhook.url}' \\`, `  -H 'content-type: application/json' \\`, `  -d '${body}'`].join('\n');
  }
  return [
    `SECRET='${webhook.secret ?? '<signing secret>'}'`,
    `body='${body}'; t=$(date +%s)`,
    `sig=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$SECRET" -hex | cut -d' ' -f2)`,
    `curl -X POST '${webhook.url}' \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H "x-conflux-signature: t=$t,v1=$sig" \\`,
    `  -d "$body"`,
  ].join('\n');
}

/** The webhook trigger's door: URL and secret with copy buttons, how senders authenticate, a sample curl. */
export function WebhookPanel({ webhook, flowId, published }: { webhook: WebhookInfo | null; flowId: string; published: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [reveal, setReveal] = useState(false);
  const setAuth = useMutation(
    trpc.flows.setWebhookAuth.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.get.queryKey({ flowId }) });
        toast.show(result.authMode === 'hmac' ? 'Senders must now sign their requests.' : 'The URL alone now authenticates senders.');
      },
      onError: (error) => toast.show(errorMessage(error), 'error'),
    }),
  );

  if (!webhook) {
    return (
      <Notice tone="info" title="The webhook URL appears when you publish">
        {published ? 'Publish the flow again to create its endpoint.' : 'Publish the flow once: Conflux then creates its URL and signing secret, shown here.'}
      </Notice>
    );
  }
  const curl = sampleCurl(webhook);
  return (
    <section aria-label="Webhook endpoint" className="space-y-4 rounded-lg border border-zinc-200 bg-zinc-50/60 p-3">
      <div className="space-y-1.5">
        <p className="text-[13px] font-medium text-zinc-800">Endpoint URL</p>
        <div className="flex items-center gap-2">
          <code data-testid="webhook-url" className="min-w-0 flex-1 truncate rounded-md border border-zinc-200 bg-white px-2 py-1.5 font-mono text-xs text-zinc-800" title={webhook.url}>
            {webhook.url}
          </code>
          <CopyButton text={webhook.url} label="Copy the URL" />
        </div>
        {webhook.authMode === 'path_token' ? <p className="text-xs text-amber-700">The URL is the secret: share it only with the sender.</p> : null}
      </div>

      <fieldset className="space-y-1.5">
        <legend className="text-[13px] font-medium text-zinc-800">How senders authenticate</legend>
        <div className="grid grid-cols-2 gap-1 rounded-lg bg-zinc-200/60 p-1" role="radiogroup" aria-label="How senders authenticate">
          {(
            [
              ['hmac', 'Signed (HMAC)'],
              ['path_token', 'Secret URL'],
            ] as const
          ).map(([mode, label]) => (
            <button
              key={mode}
              type="button"
              role="radio"
              aria-checked={webhook.authMode === mode}
              disabled={setAuth.isPending}
              onClick={() => webhook.authMode !== mode && setAuth.mutate({ flowId, authMode: mode })}
              className={cn(
                'rounded-md px-2 py-1 text-xs font-medium transition-colors',
                webhook.authMode === mode ? 'bg-white text-zinc-900 shadow-card' : 'text-zinc-600 hover:text-zinc-900',
              )}
            >
              {label}
            </button>
          ))}
        </div>
        <p className="text-xs text-zinc-500">
          {webhook.authMode === 'hmac'
            ? 'Each request carries x-conflux-signature: t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>">, at most 5 minutes old.'
            : 'For senders that cannot sign: anyone with the URL can start the flow.'}
        </p>
      </fieldset>

      {webhook.authMode === 'hmac' && webhook.secret ? (
        <div className="space-y-1.5">
          <p className="text-[13px] font-medium text-zinc-800">Signing secret</p>
          <div className="flex items-center gap-2">
            <code data-testid="webhook-secret" className="min-w-0 flex-1 truncate rounded-md border border-zinc-200 bg-white px-2 py-1.5 font-mono text-xs text-zinc-800">
              {reveal ? webhook.secret : `${webhook.secret.slice(0, 6)}${'•'.repeat(18)}`}
            </code>
            <button
              type="button"
              onClick={() => setReveal((v) => !v)}
              aria-pressed={reveal}
              aria-label={reveal ? 'Hide the secret' : 'Show the secret'}
              className="shrink-0 rounded-md border border-zinc-200 bg-white p-1.5 text-zinc-500 shadow-card hover:bg-zinc-50 hover:text-zinc-800"
            >
              {reveal ? <EyeOff className="size-3.5" aria-hidden="true" /> : <Eye className="size-3.5" aria-hidden="true" />}
            </button>
            <CopyButton text={webhook.secret} label="Copy the secret" />
          </div>
        </div>
      ) : null}

      <div className="space-y-1.5">
        <div className="flex items-center justify-between">
          <p className="text-[13px] font-medium text-zinc-800">Try it with curl</p>
          <CopyButton text={curl} label="Copy the curl command" />
        </div>
        <pre className="overflow-x-auto rounded-md bg-zinc-900 px-3 py-2.5 font-mono text-[11px] leading-5 break-all whitespace-pre-wrap text-zinc-100">
          {reveal || webhook.authMode !== 'hmac' ? curl : curl.replace(webhook.secret ?? '\u0000', `${(webhook.secret ?? '').slice(0, 6)}…`)}
        </pre>
      </div>
    </section>
  );
}
