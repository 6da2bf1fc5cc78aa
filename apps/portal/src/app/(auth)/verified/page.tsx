import type { Metadata } from 'next';
import Link from 'next/link';
import { BadgeCheck, LinkIcon } from 'lucide-react';
import { getServices } from '@/server/services';
import { optionalSession } from '@/server/session';
import { safeNext, withQuery } from '@/lib/format';
import { AuthCard } from '@/components/auth/auth-card';
import { buttonClasses } from '@/components/ui/button';
import { ResendVerificationForm } from './resend-form';

export const metadata: Metadata = { title: 'Email verification' };
export const dynamic = 'force-dynamic';

export default async function VerifiedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const error = typeof params.error === 'string' ? params.error : null;
  const next = safeNext(typeof params.next === 'string' ? params.next : null);
  const nextParam = next === '/' ? null : next;

  if (error) {
    const expired = error === 'TOKEN_EXPIRED';
    return (
      <AuthCard
        icon={<LinkIcon />}
        title={expired ? 'This verification link has expired' : 'This verification link is not valid'}
        description={
          expired
            ? 'Verification links are valid for 24 hours. Enter your email and we will send you a fresh one.'
            : 'The link may be incomplete, or a newer one was sent since. Enter your email and we will send you a fresh link.'
        }
        footer={
          <>
            Already verified?{' '}
            <Link href={withQuery('/sign-in', { next: nextParam })} className="font-medium text-indigo-600 hover:text-indigo-500">
              Sign in
            </Link>
          </>
        }
      >
        <ResendVerificationForm callbackURL={withQuery('/verified', { next: nextParam })} mailCatcher={getServices().config.mailCatcher} />
      </AuthCard>
    );
  }

  const session = await optionalSession();
  const joining = next.startsWith('/invite/');
  return (
    <AuthCard
      icon={<BadgeCheck />}
      title="Your email is verified"
      description={
        session ? (
          <>
            Thanks, {session.name.split(' ')[0]}. You are signed in as <strong className="font-medium text-zinc-900">{session.email}</strong>.
          </>
        ) : (
          'Thanks for confirming your address. Sign in to continue.'
        )
      }
    >
      {session ? (
        <Link href={next} className={buttonClasses({ size: 'lg', className: 'w-full' })}>
          {joining ? 'Continue to your invitation' : 'Continue to Conflux'}
        </Link>
      ) : (
        <Link href={withQuery('/sign-in', { next: nextParam })} className={buttonClasses({ size: 'lg', className: 'w-full' })}>
          Sign in
        </Link>
      )}
    </AuthCard>
  );
}
