import type { Metadata } from 'next';
import { getServices } from '@/server/services';
import { ForgotPasswordForm } from './forgot-password-form';

export const metadata: Metadata = { title: 'Reset your password' };
export const dynamic = 'force-dynamic';

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  return <ForgotPasswordForm initialEmail={typeof params.email === 'string' ? params.email : ''} mailCatcher={getServices().config.mailCatcher} />;
}
