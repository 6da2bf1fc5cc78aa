'use client';
import { useRef, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { MailCheck } from 'lucide-react';
import { authClient } from '@/lib/auth-client';
import { authErrorMessage } from '@/lib/errors';
import { withQuery } from '@/lib/format';
import { checkEmail, checkPassword, checkRequired, focusFirstInvalid, hasErrors, PASSWORD_MIN } from '@/lib/validate';
import { AuthCard } from '@/components/auth/auth-card';
import { CheckInbox } from '@/components/auth/resend-verification';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { PasswordInput } from '@/components/ui/password-input';

type Errors = Partial<Record<'name' | 'email' | 'password' | 'workspaceName', string | null>>;

export function SignUpForm({ next, initialEmail, mailCatcher }: { next: string; initialEmail: string; mailCatcher: boolean }) {
  const formRef = useRef<HTMLFormElement>(null);
  const joining = next.startsWith('/invite/');
  const [values, setValues] = useState({ name: '', email: initialEmail, password: '', workspaceName: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  // The link in the email lands on /verified, which then continues to where the person was going.
  const callbackURL = withQuery('/verified', { next: next === '/' ? null : next });

  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: event.target.value }));
    if (errors[key]) setErrors((e) => ({ ...e, [key]: null }));
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const found: Errors = {
      name: checkRequired(values.name, 'Enter your name.'),
      email: checkEmail(values.email),
      password: checkPassword(values.password),
      workspaceName: joining ? null : checkRequired(values.workspaceName, 'Name your workspace, for example your company or team.'),
    };
    setErrors(found);
    if (hasErrors(found)) return focusFirstInvalid(formRef.current);

    setPending(true);
    const email = values.email.trim();
    const { error } = await authClient.signUp.email({
      name: values.name.trim(),
      email,
      password: values.password,
      callbackURL,
      ...(values.workspaceName.trim() ? { workspaceName: values.workspaceName.trim() } : {}),
    });
    setPending(false);
    if (error) {
      setFormError(authErrorMessage(error));
      return;
    }
    setSentTo(email);
  }

  if (sentTo) {
    return (
      <AuthCard icon={<MailCheck />} title="Check your inbox" description="One more step: confirm your email address.">
        <CheckInbox
          email={sentTo}
          mailCatcher={mailCatcher}
          callbackURL={callbackURL}
          onStartOver={() => {
            setSentTo(null);
            setValues((v) => ({ ...v, password: '' }));
          }}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={joining ? 'Create your account to join' : 'Create your Conflux account'}
      description={joining ? 'Use the email address the invitation was sent to.' : 'Connect your systems and automate the flows between them.'}
      footer={
        <>
          Already have an account?{' '}
          <Link href={withQuery('/sign-in', { next: next === '/' ? null : next })} className="font-medium text-indigo-600 hover:text-indigo-500">
            Sign in
          </Link>
        </>
      }
    >
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? <Notice tone="error">{formError}</Notice> : null}
        <Field label="Your name" required error={errors.name}>
          <Input name="name" autoComplete="name" value={values.name} onChange={set('name')} maxLength={100} autoFocus />
        </Field>
        <Field label="Work email" required error={errors.email}>
          <Input name="email" type="email" autoComplete="email" inputMode="email" value={values.email} onChange={set('email')} placeholder="you@company.com" />
        </Field>
        <Field label="Password" required error={errors.password} hint={`At least ${PASSWORD_MIN} characters. A short sentence is easy to remember and hard to guess.`}>
          <PasswordInput name="password" autoComplete="new-password" value={values.password} onChange={set('password')} maxLength={128} />
        </Field>
        <Field
          label={joining ? 'Name of your own workspace' : 'Workspace name'}
          required={!joining}
          error={errors.workspaceName}
          hint={
            joining
              ? 'Optional. You also get a workspace of your own; leave this empty to name it after you.'
              : 'Usually your company or team. You can rename it later.'
          }
        >
          <Input name="workspaceName" autoComplete="organization" value={values.workspaceName} onChange={set('workspaceName')} maxLength={100} placeholder="Acme Inc." />
        </Field>
        <Button type="submit" className="w-full" size="lg" loading={pending}>
          {pending ? 'Creating account…' : 'Create account'}
        </Button>
      </form>
    </AuthCard>
  );
}
