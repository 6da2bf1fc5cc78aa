import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getServices } from '@/server/services';
import { optionalSession } from '@/server/session';
import { safeNext } from '@/lib/format';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(typeof params.next === 'string' ? params.next : null);
  if (await optionalSession()) redirect(next);
  return (
    <SignInForm
      next={next}
      initialEmail={typeof params.email === 'string' ? params.email : ''}
      reset={params.reset === '1'}
      mailCatcher={getServices().config.mailCatcher}
    />
  );
}
