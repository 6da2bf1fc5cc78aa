'use client';
import { useRef, useState, type FormEvent } from 'react';
import { authClient } from '@/lib/auth-client';
import { authErrorMessage } from '@/lib/errors';
import { checkEmail, focusFirstInvalid } from '@/lib/validate';
import { DevMailboxLink } from '@/components/auth/resend-verification';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';

/** Asks for the address (the failed link tells us nothing about it) and mails a new verification link. */
export function ResendVerificationForm({ callbackURL, mailCatcher }: { callbackURL: string; mailCatcher: boolean }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ tone: 'success' | 'error'; message: string; email?: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    const problem = checkEmail(email);
    setError(problem);
    if (problem) return focusFirstInvalid(formRef.current);
    setPending(true);
    const address = email.trim();
    const { error: failure } = await authClient.sendVerificationEmail({ email: address, callbackURL });
    setPending(false);
    setResult(
      failure
        ? { tone: 'error', message: authErrorMessage(failure) }
        : { tone: 'success', message: `If ${address} still needs verifying, a new link is on its way. It is valid for 24 hours.`, email: address },
    );
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      {result ? <Notice tone={result.tone}>{result.message}</Notice> : null}
      {result?.tone === 'success' && mailCatcher ? <DevMailboxLink email={result.email} /> : null}
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
        />
      </Field>
      <Button type="submit" className="w-full" size="lg" loading={pending}>
        {pending ? 'Sending…' : 'Send a new link'}
      </Button>
    </form>
  );
}
