'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { authClient } from '@/lib/auth-client';
import { errorMessage } from '@/lib/errors';
import { withQuery } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';

/** Joins the workspace, makes it the active one and opens its dashboard. */
export function AcceptInvitation({ token, tenantName }: { token: string; tenantName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const accept = useMutation(
    trpc.me.acceptInvitation.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.push('/');
        router.refresh();
      },
    }),
  );
  const joined = accept.isSuccess;
  return (
    <div className="space-y-3">
      {accept.error ? <Notice tone="error">{errorMessage(accept.error)}</Notice> : null}
      <Button size="lg" className="w-full" loading={accept.isPending || joined} onClick={() => accept.mutate({ token })}>
        {joined ? `Opening ${tenantName}…` : `Accept and join ${tenantName}`}
      </Button>
    </div>
  );
}

/** Signs out, then comes back here through sign-in with the invited address filled in. */
export function SwitchAccount({ next, email }: { next: string; email: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      size="lg"
      className="w-full"
      loading={pending}
      onClick={async () => {
        setPending(true);
        await authClient.signOut();
        window.location.assign(withQuery('/sign-in', { next, email }));
      }}
    >
      Sign out and switch account
    </Button>
  );
}
