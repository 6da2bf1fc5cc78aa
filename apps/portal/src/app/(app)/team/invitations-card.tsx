'use client';
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { MailPlus, RotateCw } from 'lucide-react';
import type { AppRouter } from '@/server/root';
import { errorMessage } from '@/lib/errors';
import { formatDateTime, timeAgo } from '@/lib/format';
import { roleLabel } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { useRefreshTeam } from './use-team';

type Invitation = inferRouterOutputs<AppRouter>['team']['invitations'][number];

export function InvitationsCard({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refreshTeam = useRefreshTeam();
  const invitations = useQuery(trpc.team.invitations.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);

  const resend = useMutation(
    trpc.team.resendInvitation.mutationOptions({
      onMutate: () => setError(null),
      onSuccess: async (invitation) => {
        toast.show(`Invitation sent again to ${invitation.email}`);
        await refreshTeam();
      },
      onError: (failure) => setError(errorMessage(failure)),
    }),
  );
  const revoke = useMutation(
    trpc.team.revokeInvitation.mutationOptions({
      onSuccess: async () => {
        const email = revoking?.email;
        setRevoking(null);
        await refreshTeam();
        if (email) toast.show(`Invitation for ${email} revoked`);
      },
    }),
  );

  const list = invitations.data;
  return (
    <Card id="invitations" className="scroll-mt-6">
      <CardHeader title="Pending invitations" description="Invitations that have not been accepted yet." />
      {error ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Notice tone="error">{error}</Notice>
        </div>
      ) : null}
      {invitations.error ? (
        <div className="px-5 py-4">
          <Notice tone="error" title="Invitations could not be loaded">
            {errorMessage(invitations.error)}
          </Notice>
        </div>
      ) : !list ? (
        <div className="space-y-3 px-5 py-4" aria-busy="true" aria-label="Loading invitations">
          <Skeleton className="h-4 w-64" />
          <Skeleton className="h-4 w-48" />
        </div>
      ) : list.length === 0 ? (
        <EmptyState
          icon={<MailPlus />}
          title="No pending invitations"
          description={canManage ? 'Invite a teammate with the form above; the invitation waits here until they accept.' : 'When an owner or admin invites someone, it shows up here.'}
        />
      ) : (
        <ul className="divide-y divide-zinc-100">
          {list.map((invitation) => {
            const resending = resend.isPending && resend.variables?.invitationId === invitation.id;
            return (
              <li key={invitation.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-3">
                <div className="min-w-0 flex-1 space-y-0.5">
                  <p className="flex flex-wrap items-center gap-2 text-[13px]">
                    <span className="truncate font-medium text-zinc-900">{invitation.email}</span>
                    <Badge>{roleLabel(invitation.role)}</Badge>
                    {invitation.expired ? <Badge tone="danger">Expired</Badge> : null}
                  </p>
                  <p className="text-xs text-zinc-500">
                    Sent <span title={formatDateTime(invitation.createdAt)}>{timeAgo(invitation.createdAt)}</span> ·{' '}
                    {invitation.expired ? (
                      <span title={`Ended ${formatDateTime(invitation.expiresAt)}`}>{canManage ? 'resend it to send a fresh link' : 'the link no longer works'}</span>
                    ) : (
                      <span title={formatDateTime(invitation.expiresAt)}>expires {timeAgo(invitation.expiresAt)}</span>
                    )}
                  </p>
                </div>
                {canManage ? (
                  <div className="flex items-center gap-1">
                    <Button
                      variant="ghost"
                      size="sm"
                      loading={resending}
                      disabled={resend.isPending && !resending}
                      onClick={() => resend.mutate({ invitationId: invitation.id })}
                      icon={<RotateCw className="size-3.5" aria-hidden="true" />}
                      aria-label={`Resend the invitation to ${invitation.email}`}
                    >
                      Resend
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-red-700 hover:bg-red-50 hover:text-red-800"
                      onClick={() => {
                        revoke.reset();
                        setRevoking(invitation);
                      }}
                      aria-label={`Revoke the invitation for ${invitation.email}`}
                    >
                      Revoke
                    </Button>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDialog
        open={!!revoking}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate({ invitationId: revoking.id })}
        pending={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : null}
        title="Revoke this invitation?"
        description={revoking ? `The link sent to ${revoking.email} stops working. You can invite them again at any time.` : ''}
        confirmLabel="Revoke invitation"
      />
    </Card>
  );
}
