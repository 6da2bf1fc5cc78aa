'use client';
import { useRef, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { CheckCircle2, KeyRound } from 'lucide-react';
import { authClient } from '@/lib/auth-client';
import { authErrorMessage } from '@/lib/errors';
import { checkPassword, focusFirstInvalid, hasErrors, PASSWORD_MIN } from '@/lib/validate';
import { AuthCard } from '@/components/auth/auth-card';
import { Button, buttonClasses } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { PasswordInput } from '@/components/ui/password-input';

export function ResetPasswordForm({ token }: { token: string }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string | null; confirm?: string | null }>({});
  const [formError, setFormError] = useState<{ message: string; expired: boolean } | null>(null);
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const found = {
      password: checkPassword(password),
      confirm: !confirm ? 'Enter the new password again.' : confirm !== password ? 'The two passwords do not match.' : null,
    };
    setErrors(found);
    if (hasErrors(found)) return focusFirstInvalid(formRef.current);
    setPending(true);
    const { error } = await authClient.resetPassword({ newPassword: password, token });
    setPending(false);
    if (error) {
      setFormError({ message: authErrorMessage(error), expired: error.code === 'INVALID_TOKEN' });
      return;
    }
    setDone(true);
  }

  if (done) {
    return (
      <AuthCard
        icon={<CheckCircle2 />}
        title="Password changed"
        description="Your new password is set. For your safety, every device that was signed in has been signed out."
      >
        <Link href="/sign-in?reset=1" className={buttonClasses({ size: 'lg', className: 'w-full' })}>
          Sign in
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard icon={<KeyRound />} title="Choose a new password" description="After this, you will sign in with the new password on every device.">
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? (
          <Notice
            tone="error"
            action={
              formError.expired ? (
                <Link href="/forgot-password" className="font-medium underline underline-offset-2">
                  Request a new link
                </Link>
              ) : undefined
            }
          >
            {formError.message}
          </Notice>
        ) : null}
        <Field label="New password" required error={errors.password} hint={`At least ${PASSWORD_MIN} characters.`}>
          <PasswordInput
            name="password"
            autoComplete="new-password"
            value={password}
            maxLength={128}
            onChange={(e) => {
              setPassword(e.target.value);
              if (errors.password) setErrors((v) => ({ ...v, password: null }));
            }}
            autoFocus
          />
        </Field>
        <Field label="Confirm new password" required error={errors.confirm}>
          <PasswordInput
            name="confirm"
            autoComplete="new-password"
            value={confirm}
            maxLength={128}
            onChange={(e) => {
              setConfirm(e.target.value);
              if (errors.confirm) setErrors((v) => ({ ...v, confirm: null }));
            }}
          />
        </Field>
        <Button type="submit" className="w-full" size="lg" loading={pending}>
          {pending ? 'Saving…' : 'Set new password'}
        </Button>
      </form>
    </AuthCard>
  );
}
