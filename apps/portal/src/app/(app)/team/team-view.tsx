'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LogOut } from 'lucide-react';
import { errorMessage } from '@/lib/errors';
import { canManage } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { useMe } from '@/lib/use-me';
import { PageHeader } from '@/components/shell/page-header';
import { Button } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import { InviteForm } from './invite-form';
import { InvitationsCard } from './invitations-card';
import { MembersCard } from './members-card';

export function TeamView() {
  const trpc = useTRPC();
  const me = useMe();
  const role = me.activeTenant?.role ?? 'member';
  const tenantName = me.activeTenant?.name ?? 'this workspace';
  const members = useQuery(trpc.team.members.queryOptions());
  const soleOwner = role === 'owner' && (members.data?.filter((m) => m.role === 'owner').length ?? 0) === 1;

  return (
    <>
      <PageHeader title="Team" description={<>The people in {tenantName} and what they can do.</>} />
      <div className="space-y-6">
        {canManage(role) ? (
          <InviteForm actorRole={role} />
        ) : (
          <Card>
            <CardBody className="text-[13px] text-zinc-600">
              You are a member of {tenantName}. Only owners and admins can invite people or change roles; ask one of them if someone is missing.
            </CardBody>
          </Card>
        )}
        <MembersCard actorRole={role} tenantName={tenantName} />
        <InvitationsCard canManage={canManage(role)} />
        <LeaveWorkspace tenantName={tenantName} soleOwner={soleOwner} />
      </div>
    </>
  );
}

function LeaveWorkspace({ tenantName, soleOwner }: { tenantName: string; soleOwner: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const leave = useMutation(
    trpc.team.leave.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        await queryClient.invalidateQueries();
        router.push('/');
        router.refresh();
        toast.show(`You left ${tenantName}`);
      },
    }),
  );
  return (
    <Card className="border-red-200/70">
      <CardBody className="flex flex-wrap items-center justify-between gap-4">
        <div className="space-y-0.5">
          <h2 className="text-[15px] font-semibold text-zinc-900">Leave workspace</h2>
          <p className="text-[13px] text-zinc-500">
            {soleOwner
              ? 'You are the only owner. Make someone else an owner before you leave.'
              : `You will lose access to ${tenantName} until someone invites you again.`}
          </p>
        </div>
        <Button
          variant="secondary"
          className="text-red-700 hover:bg-red-50"
          icon={<LogOut className="size-4" aria-hidden="true" />}
          onClick={() => {
            leave.reset();
            setOpen(true);
          }}
        >
          Leave workspace
        </Button>
      </CardBody>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={() => leave.mutate()}
        pending={leave.isPending}
        error={leave.error ? errorMessage(leave.error) : null}
        title={`Leave ${tenantName}?`}
        description={`You will lose access to its members, connections and flows right away. To come back, someone in ${tenantName} has to invite you again.`}
        confirmLabel={`Leave ${tenantName}`}
      />
    </Card>
  );
}
