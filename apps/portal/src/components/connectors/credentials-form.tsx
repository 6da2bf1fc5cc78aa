'use client';
import { useId, useState } from 'react';
import { Check, Copy } from 'lucide-react';
import { cn } from '@/lib/cn';
import { cleanValue, initialValue, SchemaForm, validateSchemaValue, type JsonSchema } from '@/components/schema-form';
import { Notice } from '@/components/ui/notice';
import { authKindLabel } from './labels';

/** An auth kind as the manifest describes it. */
export interface AuthKindInfo {
  kind: string;
  label?: string;
  help?: string;
  fields: unknown;
  oauth?: { grant: 'authorization_code' | 'client_credentials'; authorizeUrl?: string; scopes: string[]; pkce: boolean };
}

/** Whether people approve access at the provider's page for this kind (OAuth2 authorization code). */
export function isAuthorizationCode(kind: AuthKindInfo | undefined): boolean {
  return kind?.oauth?.grant === 'authorization_code';
}

/** The state of a credentials form: the chosen kind, the values per kind, and the problems shown. */
export function useCredentials(kinds: AuthKindInfo[], initialKind?: string) {
  const [kind, setKind] = useState(() => initialKind ?? kinds[0]?.kind ?? 'none');
  const [values, setValues] = useState<Record<string, Record<string, unknown>>>(() => Object.fromEntries(kinds.map((k) => [k.kind, initialValue((k.fields ?? {}) as JsonSchema)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const current = kinds.find((k) => k.kind === kind);
  const schema = (current?.fields ?? {}) as JsonSchema;
  return {
    kinds,
    kind,
    current,
    schema,
    value: values[kind] ?? {},
    errors,
    setErrors,
    setKind(next: string) {
      setKind(next);
      setErrors({});
    },
    setValue(next: Record<string, unknown>) {
      setValues((all) => ({ ...all, [kind]: next }));
      // An edited field's old message goes; the others stay until the next submit.
      setErrors((old) => Object.fromEntries(Object.entries(old).filter(([name]) => JSON.stringify(next[name]) === JSON.stringify(values[kind]?.[name]))));
    },
    /** Checks the fields; returns the credentials to send, or null (and shows the problems). */
    submit(): Record<string, unknown> | null {
      const problems = validateSchemaValue(schema, values[kind] ?? {});
      setErrors(problems);
      return Object.keys(problems).length ? null : cleanValue(schema, values[kind] ?? {});
    },
  };
}

/** A CredentialsForm's state, from useCredentials. */
export type CredentialsState = ReturnType<typeof useCredentials>;

/**
 * The credentials part of a connection form: the kind (radio cards when there are several), its help, the
 * fields generated from the kind's schema, and for OAuth2 authorization code the redirect URI to register.
 */
export function CredentialsForm({ state, connectorName, redirectUri, disabled }: { state: CredentialsState; connectorName: string; redirectUri?: string; disabled?: boolean }) {
  const name = useId();
  const { kinds, current } = state;
  return (
    <div className="space-y-5">
      {kinds.length > 1 ? (
        <fieldset className="space-y-2">
          <legend className="mb-2 text-[13px] font-medium text-zinc-800">How does Conflux sign in to {connectorName}?</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {kinds.map((k) => {
              const checked = k.kind === state.kind;
              return (
                <label
                  key={k.kind}
                  className={cn(
                    'flex cursor-pointer items-start gap-2.5 rounded-lg border px-3 py-2.5 text-[13px] transition-colors has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-indigo-500',
                    checked ? 'border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500' : 'border-zinc-200 hover:border-zinc-300 hover:bg-zinc-50',
                  )}
                >
                  <input type="radio" name={name} value={k.kind} checked={checked} disabled={disabled} onChange={() => state.setKind(k.kind)} className="mt-0.5 accent-indigo-600" />
                  <span className="space-y-0.5">
                    <span className="block font-medium text-zinc-900">{authKindLabel(k.kind, k.label)}</span>
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
      ) : null}
      {current?.help ? <p className="text-[13px] text-zinc-600">{current.help}</p> : null}
      {isAuthorizationCode(current) ? <OAuthNote connectorName={connectorName} authorizeUrl={current?.oauth?.authorizeUrl} redirectUri={redirectUri} scopes={current?.oauth?.scopes ?? []} /> : null}
      {state.kind === 'none' ? (
        <p className="text-[13px] text-zinc-500">Nothing to enter: requests go out without credentials.</p>
      ) : (
        <SchemaForm schema={state.schema} value={state.value} onChange={state.setValue} errors={state.errors} disabled={disabled} idPrefix={`cred-${state.kind}`} />
      )}
    </div>
  );
}

function OAuthNote({ connectorName, authorizeUrl, redirectUri, scopes }: { connectorName: string; authorizeUrl?: string; redirectUri?: string; scopes: string[] }) {
  const [copied, setCopied] = useState(false);
  const host = authorizeUrl && URL.canParse(authorizeUrl) ? new URL(authorizeUrl).host : connectorName;
  return (
    <Notice tone="info" title={`You approve access at ${connectorName}`}>
      <div className="space-y-2">
        <p>
          Enter your OAuth app’s client ID and secret; after saving, you are sent to <span className="font-medium">{host}</span> to sign in and approve
          {scopes.length ? (
            <>
              {' '}
              access to <span className="font-mono text-xs">{scopes.join(', ')}</span>
            </>
          ) : null}
          . Conflux then keeps the token fresh.
        </p>
        {redirectUri ? (
          <div className="space-y-1">
            <p>Register this redirect URI in the OAuth app:</p>
            <div className="flex items-center gap-2">
              <code className="min-w-0 flex-1 truncate rounded-md border border-indigo-200 bg-white px-2 py-1 font-mono text-xs text-zinc-800" title={redirectUri}>
                {redirectUri}
              </code>
              <button
                type="button"
                onClick={() => {
                  void navigator.clipboard?.writeText(redirectUri).then(() => {
                    setCopied(true);
                    setTimeout(() => setCopied(false), 1500);
                  });
                }}
                className="inline-flex h-7 items-center gap-1 rounded-md border border-indigo-200 bg-white px-2 text-xs font-medium text-indigo-700 hover:bg-indigo-50"
              >
                {copied ? <Check className="size-3.5" aria-hidden="true" /> : <Copy className="size-3.5" aria-hidden="true" />}
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </Notice>
  );
}
