import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getServices } from '@/server/services';
import { optionalSession } from '@/server/session';
import { safeNext } from '@/lib/format';
import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Create your account' };
export const dynamic = 'force-dynamic';

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(typeof params.next === 'string' ? params.next : null);
  if (await optionalSession()) redirect(next);
  return (
    <SignUpForm
      next={next}
      initialEmail={typeof params.email === 'string' ? params.email : ''}
      mailCatcher={getServices().config.mailCatcher}
    />
  );
}
