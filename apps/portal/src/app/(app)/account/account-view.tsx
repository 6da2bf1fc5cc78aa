'use client';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BadgeCheck, Laptop, LogOut, Smartphone, TriangleAlert } from 'lucide-react';
import { errorMessage } from '@/lib/errors';
import { describeUserAgent, formatDateTime, formatIp, timeAgo } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useMe } from '@/lib/use-me';
import { PageHeader } from '@/components/shell/page-header';
import { useSignOut } from '@/components/shell/user-menu';
import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { LoadError } from '@/components/load-error';

export function AccountView() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Account & sessions" description="Your profile and the devices signed in to your account." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Profile" />
          <CardBody className="flex flex-wrap items-center gap-4">
            <Avatar name={me.user.name} size="lg" />
            <div className="min-w-0 flex-1">
              <p className="text-[15px] font-semibold text-zinc-900">{me.user.name}</p>
              <p className="flex flex-wrap items-center gap-2 text-[13px] text-zinc-600">
                <span className="break-all">{me.user.email}</span>
                {me.user.emailVerified ? (
                  <Badge tone="success" icon={<BadgeCheck className="size-3" aria-hidden="true" />}>
                    Verified
                  </Badge>
                ) : (
                  <Badge tone="warning" icon={<TriangleAlert className="size-3" aria-hidden="true" />}>
                    Not verified
                  </Badge>
                )}
              </p>
            </div>
          </CardBody>
        </Card>
        <Sessions />
      </div>
    </>
  );
}

function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { signOut, pending: signingOut } = useSignOut();
  const sessions = useQuery(trpc.me.sessions.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const [confirmOthers, setConfirmOthers] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.me.sessions.queryKey() });

  const revoke = useMutation(
    trpc.me.revokeSession.mutationOptions({
      onMutate: () => setError(null),
      onSuccess: async () => {
        await refresh();
        toast.show('Session signed out');
      },
      onError: (failure) => setError(errorMessage(failure)),
    }),
  );
  const revokeOthers = useMutation(
    trpc.me.revokeOtherSessions.mutationOptions({
      onSuccess: async ({ count }) => {
        setConfirmOthers(false);
        await refresh();
        toast.show(count === 1 ? 'Signed out 1 other session' : `Signed out ${count} other sessions`);
      },
    }),
  );

  const list = sessions.data;
  const others = list?.filter((s) => !s.current).length ?? 0;
  return (
    <Card>
      <CardHeader
        title="Sessions"
        description="Browsers where you are signed in. Sign out any you do not recognise."
        actions={
          <Button
            variant="secondary"
            size="sm"
            disabled={!list || others === 0}
            onClick={() => {
              revokeOthers.reset();
              setConfirmOthers(true);
            }}
          >
            Sign out other sessions
          </Button>
        }
      />
      {error ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Notice tone="error">{error}</Notice>
        </div>
      ) : null}
      {sessions.error ? (
        <div className="px-5 py-4">
          <LoadError title="Sessions could not be loaded" query={sessions} />
        </div>
      ) : !list ? (
        <div className="space-y-4 px-5 py-4" aria-busy="true" aria-label="Loading sessions">
          {[0, 1].map((i) => (
            <div key={i} className="flex items-center gap-3">
              <Skeleton className="size-9 rounded-lg" />
              <div className="flex-1 space-y-1.5">
                <Skeleton className="h-3.5 w-40" />
                <Skeleton className="h-3 w-64" />
              </div>
            </div>
          ))}
        </div>
      ) : (
        <ul className="divide-y divide-zinc-100">
          {list.map((session) => {
            const device = describeUserAgent(session.userAgent);
            const mobile = /iOS|iPadOS|Android/.test(device);
            const Icon = mobile ? Smartphone : Laptop;
            const revoking = revoke.isPending && revoke.variables?.sessionId === session.id;
            return (
              <li key={session.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-3.5">
                <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-zinc-100 text-zinc-500" aria-hidden="true">
                  <Icon className="size-4" />
                </span>
                <div className="min-w-0 flex-1 space-y-0.5">
                  <p className="flex flex-wrap items-center gap-2 text-[13px] font-medium text-zinc-900">
                    {device}
                    {session.current ? <Badge tone="success">This device</Badge> : null}
                  </p>
                  <p className="text-xs text-zinc-500">
                    {formatIp(session.ipAddress) ?? 'IP address unknown'} · Last active{' '}
                    <span title={formatDateTime(session.lastActiveAt)}>{timeAgo(session.lastActiveAt)}</span> · Signed in {formatDateTime(session.createdAt)}
                  </p>
                </div>
                {session.current ? (
                  <Button variant="ghost" size="sm" loading={signingOut} onClick={() => void signOut()} icon={<LogOut className="size-3.5" aria-hidden="true" />}>
                    Sign out
                  </Button>
                ) : (
                  <Button
                    variant="ghost"
                    size="sm"
                    className="text-red-700 hover:bg-red-50 hover:text-red-800"
                    loading={revoking}
                    disabled={revoke.isPending && !revoking}
                    onClick={() => revoke.mutate({ sessionId: session.id })}
                    aria-label={`Revoke session: ${device}, last active ${timeAgo(session.lastActiveAt)}`}
                  >
                    Revoke
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDialog
        open={confirmOthers}
        onClose={() => setConfirmOthers(false)}
        onConfirm={() => revokeOthers.mutate()}
        pending={revokeOthers.isPending}
        error={revokeOthers.error ? errorMessage(revokeOthers.error) : null}
        title="Sign out other sessions?"
        description={`${others === 1 ? 'The other browser' : `The ${others} other browsers`} signed in to your account will be signed out right away. This device stays signed in.`}
        confirmLabel={others === 1 ? 'Sign out 1 session' : `Sign out ${others} sessions`}
      />
    </Card>
  );
}
