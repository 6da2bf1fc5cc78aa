'use client';
import { useRef, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { ArrowLeft, KeyRound, MailCheck } from 'lucide-react';
import { authClient } from '@/lib/auth-client';
import { authErrorMessage } from '@/lib/errors';
import { withQuery } from '@/lib/format';
import { checkEmail, focusFirstInvalid } from '@/lib/validate';
import { AuthCard } from '@/components/auth/auth-card';
import { DevMailboxLink } from '@/components/auth/resend-verification';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';

export function ForgotPasswordForm({ initialEmail, mailCatcher }: { initialEmail: string; mailCatcher: boolean }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState(initialEmail);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const problem = checkEmail(email);
    setError(problem);
    if (problem) return focusFirstInvalid(formRef.current);
    setPending(true);
    const address = email.trim();
    const { error: failure } = await authClient.requestPasswordReset({ email: address, redirectTo: '/reset-password' });
    setPending(false);
    if (failure) return setFormError(authErrorMessage(failure));
    setSentTo(address);
  }

  const back = (
    <Link href={withQuery('/sign-in', { email: (sentTo ?? email.trim()) || null })} className="inline-flex items-center gap-1 font-medium text-indigo-600 hover:text-indigo-500">
      <ArrowLeft className="size-3.5" aria-hidden="true" />
      Back to sign in
    </Link>
  );

  if (sentTo) {
    return (
      <AuthCard icon={<MailCheck />} title="Check your inbox" footer={back}>
        <div className="space-y-4">
          <p className="text-sm leading-6 text-zinc-600">
            If an account exists for <strong className="font-semibold text-zinc-900">{sentTo}</strong>, we sent it a link to choose a new password.
            The link is valid for 1 hour.
          </p>
          {mailCatcher ? <DevMailboxLink email={sentTo} /> : null}
          <Button variant="link" onClick={() => setSentTo(null)}>
            Try a different email
          </Button>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard icon={<KeyRound />} title="Forgot your password?" description="Enter the email you sign in with and we will send you a reset link." footer={back}>
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? <Notice tone="error">{formError}</Notice> : null}
        <Field label="Email" required error={error}>
          <Input
            name="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              if (error) setError(null);
            }}
            placeholder="you@company.com"
            autoFocus
          />
        </Field>
        <Button type="submit" className="w-full" size="lg" loading={pending}>
          {pending ? 'Sending link…' : 'Send reset link'}
        </Button>
      </form>
    </AuthCard>
  );
}
