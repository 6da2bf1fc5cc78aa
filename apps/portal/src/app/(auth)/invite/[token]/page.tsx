import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Ban, Clock, LinkIcon, MailWarning, Users } from 'lucide-react';
import type { InvitationPreviewDto } from '@conflux/core/identity';
import { previewInvitation } from '@/server/invitation-preview';
import { optionalSession } from '@/server/session';
import { formatDate, withQuery } from '@/lib/format';
import { roleDescription, roleLabel } from '@/lib/roles';
import { AuthCard } from '@/components/auth/auth-card';
import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { AcceptInvitation, SwitchAccount } from './invite-actions';

export const metadata: Metadata = { title: 'Invitation' };
export const dynamic = 'force-dynamic';

/**
 * The invitation link from the email. The token is the credential: whoever holds it may see who invited
 * whom to which workspace (the preview `me.invitation` returns), so signed-out visitors see it too.
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, session] = await Promise.all([previewInvitation(token), optionalSession()]);
  const here = `/invite/${encodeURIComponent(token)}`;
  const home = session ? (
    <Link href="/" className={buttonClasses({ variant: 'secondary' })}>
      Go to your dashboard
    </Link>
  ) : (
    <Link href="/sign-in" className={buttonClasses({ variant: 'secondary' })}>
      Sign in
    </Link>
  );

  if (!invitation) {
    return (
      <AuthCard icon={<LinkIcon />} title="This invitation link is not valid" description="The link may be incomplete, or it was replaced by a newer invitation. Ask the person who invited you to send a new one.">
        {home}
      </AuthCard>
    );
  }

  const { tenantName, inviterName, email, state } = invitation;
  if (state === 'accepted') {
    return (
      <AuthCard icon={<Users />} title="This invitation has already been used" description={<>Each invitation link works once. If you accepted it, {tenantName} is in your workspace switcher.</>}>
        {home}
      </AuthCard>
    );
  }
  if (state === 'revoked') {
    return (
      <AuthCard icon={<Ban />} title="This invitation was withdrawn" description={<>An admin of {tenantName} cancelled it. If you still need access, ask {inviterName} for a new invitation.</>}>
        {home}
      </AuthCard>
    );
  }
  if (state === 'expired') {
    return (
      <AuthCard
        icon={<Clock />}
        title="This invitation has expired"
        description={
          <>
            Invitations are valid for 7 days; this one ended on {formatDate(invitation.expiresAt)}. Ask {inviterName} to resend it from the Team page of {tenantName}.
          </>
        }
      >
        {home}
      </AuthCard>
    );
  }

  const summary = <InvitationSummary invitation={invitation} />;

  if (!session) {
    return (
      <AuthCard title={`Join ${tenantName} on Conflux`} description={<>{inviterName} invited you to work together in Conflux.</>}>
        <div className="space-y-5">
          {summary}
          <Notice tone="info">
            Sign in or create an account with <strong className="font-semibold">{email}</strong> to accept.
          </Notice>
          <div className="grid gap-2 sm:grid-cols-2">
            <Link href={withQuery('/sign-up', { next: here, email })} className={buttonClasses({ size: 'lg' })}>
              Create account
            </Link>
            <Link href={withQuery('/sign-in', { next: here, email })} className={buttonClasses({ variant: 'secondary', size: 'lg' })}>
              Sign in
            </Link>
          </div>
        </div>
      </AuthCard>
    );
  }

  if (session.email.toLowerCase() !== email.toLowerCase()) {
    return (
      <AuthCard icon={<MailWarning />} title="This invitation is for a different email" description={<>{inviterName} invited you to {tenantName}.</>}>
        <div className="space-y-5">
          {summary}
          <Notice tone="warning">
            It was sent to <strong className="font-semibold">{email}</strong>, but you are signed in as <strong className="font-semibold">{session.email}</strong>. Sign in with{' '}
            {email} to accept it.
          </Notice>
          <SwitchAccount next={here} email={email} />
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={`Join ${tenantName}`} description={<>{inviterName} invited you to work together in Conflux.</>}>
      <div className="space-y-5">
        {summary}
        <AcceptInvitation token={token} tenantName={tenantName} />
        <p className="text-center text-[13px] text-zinc-500">Signed in as {session.email}</p>
      </div>
    </AuthCard>
  );
}

function InvitationSummary({ invitation }: { invitation: InvitationPreviewDto }): ReactNode {
  return (
    <div className="flex items-start gap-3 rounded-xl border border-zinc-200 bg-zinc-50/70 p-4">
      <Avatar name={invitation.tenantName} square size="lg" />
      <div className="min-w-0 space-y-1">
        <p className="truncate font-semibold text-zinc-900">{invitation.tenantName}</p>
        <p className="text-[13px] text-zinc-600">
          Invited by {invitation.inviterName} · <Badge tone="accent">{roleLabel(invitation.role)}</Badge>
        </p>
        <p className="text-[13px] text-zinc-500">{roleDescription(invitation.role)}</p>
      </div>
    </div>
  );
}

