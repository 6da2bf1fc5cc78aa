import type { Metadata } from 'next';
import Link from 'next/link';
import { LinkIcon } from 'lucide-react';
import { AuthCard } from '@/components/auth/auth-card';
import { buttonClasses } from '@/components/ui/button';
import { ResetPasswordForm } from './reset-password-form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = typeof params.token === 'string' ? params.token : null;
  if (!token || params.error) {
    return (
      <AuthCard
        icon={<LinkIcon />}
        title={params.error ? 'This reset link is no longer valid' : 'Open the link from your email'}
        description={
          params.error
            ? 'Reset links work once and expire after 1 hour. Request a new one and use the most recent email.'
            : 'To choose a new password, open the reset link we emailed you. You can request a new one here.'
        }
      >
        <div className="flex flex-wrap gap-2">
          <Link href="/forgot-password" className={buttonClasses()}>
            Request a new link
          </Link>
          <Link href="/sign-in" className={buttonClasses({ variant: 'secondary' })}>
            Back to sign in
          </Link>
        </div>
      </AuthCard>
    );
  }
  return <ResetPasswordForm token={token} />;
}
