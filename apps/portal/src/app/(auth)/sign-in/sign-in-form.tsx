'use client';
import { useRef, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { authClient } from '@/lib/auth-client';
import { authErrorMessage } from '@/lib/errors';
import { withQuery } from '@/lib/format';
import { checkEmail, focusFirstInvalid, hasErrors } from '@/lib/validate';
import { AuthCard } from '@/components/auth/auth-card';
import { DevMailboxLink, ResendVerificationButton } from '@/components/auth/resend-verification';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { PasswordInput } from '@/components/ui/password-input';

type Problem = { kind: 'error'; message: string } | { kind: 'unverified'; email: string } | null;

export function SignInForm({ next, initialEmail, reset, mailCatcher }: { next: string; initialEmail: string; reset: boolean; mailCatcher: boolean }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string | null; password?: string | null }>({});
  const [problem, setProblem] = useState<Problem>(null);
  const [pending, setPending] = useState(false);
  const nextParam = next === '/' ? null : next;
  const verifiedURL = withQuery('/verified', { next: nextParam });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const found = { email: checkEmail(email), password: password ? null : 'Enter your password.' };
    setErrors(found);
    if (hasErrors(found)) return focusFirstInvalid(formRef.current);

    setPending(true);
    const address = email.trim();
    // callbackURL is where the fresh verification link that sign-in mails to an unverified account lands
    // (/verified, then on to `next`). On success better-auth's client would also navigate there, so the
    // response's redirect flag is cleared before its redirect hook runs and we go to `next` ourselves.
    const { error } = await authClient.signIn.email(
      { email: address, password, callbackURL: verifiedURL },
      {
        onSuccess(context) {
          const data = context.data as { redirect?: boolean } | null;
          if (data) data.redirect = false;
        },
      },
    );
    if (!error) {
      window.location.assign(next);
      return;
    }
    setPending(false);
    if (error.code === 'EMAIL_NOT_VERIFIED') {
      setProblem({ kind: 'unverified', email: address });
      return;
    }
    setPassword('');
    setProblem({ kind: 'error', message: authErrorMessage(error) });
  }

  return (
    <AuthCard
      title="Sign in to Conflux"
      description="Welcome back. Enter your details to continue."
      footer={
        <>
          New to Conflux?{' '}
          <Link href={withQuery('/sign-up', { next: nextParam })} className="font-medium text-indigo-600 hover:text-indigo-500">
            Create an account
          </Link>
        </>
      }
    >
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        {reset && !problem ? <Notice tone="success">Your password was changed. Sign in with the new one.</Notice> : null}
        {problem?.kind === 'error' ? <Notice tone="error">{problem.message}</Notice> : null}
        {problem?.kind === 'unverified' ? (
          <div className="space-y-3">
            <Notice tone="warning" title="Verify your email to sign in">
              Your account is not active yet. Open the link we sent to <strong className="font-semibold">{problem.email}</strong>; we have just sent
              a fresh one.
            </Notice>
            {mailCatcher ? <DevMailboxLink email={problem.email} /> : null}
            <ResendVerificationButton email={problem.email} callbackURL={verifiedURL} />
          </div>
        ) : null}
        <Field label="Email" required error={errors.email}>
          <Input
            name="email"
            type="email"
            autoComplete="username"
            inputMode="email"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              if (errors.email) setErrors((v) => ({ ...v, email: null }));
            }}
            placeholder="you@company.com"
            autoFocus={!initialEmail}
          />
        </Field>
        <Field
          label="Password"
          required
          error={errors.password}
          aside={
            <Link href={withQuery('/forgot-password', { email: email.trim() || null })} className="text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
              Forgot password?
            </Link>
          }
        >
          <PasswordInput
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              if (errors.password) setErrors((v) => ({ ...v, password: null }));
            }}
            autoFocus={!!initialEmail}
          />
        </Field>
        <Button type="submit" className="w-full" size="lg" loading={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthCard>
  );
}
