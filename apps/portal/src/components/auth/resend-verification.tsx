'use client';
import { useState } from 'react';
import Link from 'next/link';
import { Inbox } from 'lucide-react';
import { authClient } from '@/lib/auth-client';
import { authErrorMessage } from '@/lib/errors';
import { withQuery } from '@/lib/format';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';

/** Sends the verification email again; says so, or why it could not. */
export function ResendVerificationButton({ email, callbackURL, variant = 'secondary' }: { email: string; callbackURL: string; variant?: 'secondary' | 'link' }) {
  const [state, setState] = useState<{ status: 'idle' | 'sending' | 'sent' } | { status: 'error'; message: string }>({ status: 'idle' });
  async function resend() {
    setState({ status: 'sending' });
    const { error } = await authClient.sendVerificationEmail({ email, callbackURL });
    setState(error ? { status: 'error', message: authErrorMessage(error) } : { status: 'sent' });
  }
  return (
    <div className="space-y-3">
      <Button variant={variant} onClick={resend} loading={state.status === 'sending'} disabled={state.status === 'sent'}>
        {state.status === 'sent' ? 'Link sent' : 'Resend verification email'}
      </Button>
      {state.status === 'sent' ? <Notice tone="success">We sent a new link to {email}. It is valid for 24 hours.</Notice> : null}
      {state.status === 'error' ? <Notice tone="error">{state.message}</Notice> : null}
    </div>
  );
}

/** In development, caught mails are readable in the portal: say where. */
export function DevMailboxLink({ email }: { email?: string }) {
  return (
    <Notice tone="info" title="Development mail catcher is on">
      Emails are not delivered while developing.{' '}
      <Link href={withQuery('/dev/mailbox', { to: email })} className="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-600">
        Open the dev mailbox
      </Link>{' '}
      to read this one.
    </Notice>
  );
}

/** "Check your inbox" after sign-up, naming the address the link went to. */
export function CheckInbox({
  email,
  mailCatcher,
  callbackURL,
  onStartOver,
}: {
  email: string;
  mailCatcher: boolean;
  callbackURL: string;
  onStartOver?: () => void;
}) {
  return (
    <div className="space-y-5">
      <div className="flex items-start gap-3 rounded-lg border border-zinc-200 bg-zinc-50 px-3.5 py-3">
        <Inbox className="mt-0.5 size-4 shrink-0 text-zinc-500" aria-hidden="true" />
        <p className="text-[13px] leading-5 text-zinc-700">
          We sent a verification link to <strong className="font-semibold text-zinc-900">{email}</strong>. Open it to activate your account; it
          is valid for 24 hours.
        </p>
      </div>
      {mailCatcher ? <DevMailboxLink email={email} /> : null}
      <div className="space-y-2">
        <p className="text-[13px] text-zinc-500">Nothing arrived after a few minutes? Check your spam folder, or send it again.</p>
        <ResendVerificationButton email={email} callbackURL={callbackURL} />
      </div>
      {onStartOver ? (
        <p className="text-[13px] text-zinc-500">
          Wrong address?{' '}
          <Button variant="link" className="text-[13px]" onClick={onStartOver}>
            Use a different email
          </Button>
        </p>
      ) : null}
    </div>
  );
}
