'use client';
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { UserMinus, Users } from 'lucide-react';
import type { AppRouter } from '@/server/root';
import { errorMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { roleLabel, roleOptions, type Role } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Spinner } from '@/components/ui/spinner';
import { useToast } from '@/components/ui/toast';
import { useRefreshTeam } from './use-team';
import { LoadError } from '@/components/load-error';

type Member = inferRouterOutputs<AppRouter>['team']['members'][number];

/** Owners change anyone's role; owners remove anyone else, admins remove plain members. */
function canRemove(actor: Role, target: Member): boolean {
  if (target.isYou) return false;
  return actor === 'owner' || (actor === 'admin' && target.role === 'member');
}

export function MembersCard({ actorRole, tenantName }: { actorRole: Role; tenantName: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.team.members.queryOptions());
  const toast = useToast();
  const refreshTeam = useRefreshTeam();
  const [error, setError] = useState<string | null>(null);
  const [pendingRoles, setPendingRoles] = useState<Record<string, Role>>({});
  const [demoteSelf, setDemoteSelf] = useState<{ member: Member; role: Role } | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);

  const changeRole = useMutation(
    trpc.team.changeRole.mutationOptions({
      onMutate: (variables) => {
        setError(null);
        setPendingRoles((p) => ({ ...p, [variables.membershipId]: variables.role }));
      },
      onSuccess: async (_result, variables) => {
        const member = query.data?.find((m) => m.membershipId === variables.membershipId);
        setDemoteSelf(null);
        await refreshTeam();
        if (member) toast.show(member.isYou ? `You are now ${roleLabel(variables.role).toLowerCase()}` : `${member.name} is now ${roleLabel(variables.role).toLowerCase()}`);
      },
      onError: (failure) => {
        setDemoteSelf(null);
        setError(errorMessage(failure));
      },
      onSettled: (_data, _error, variables) => {
        setPendingRoles(({ [variables.membershipId]: _done, ...rest }) => rest);
      },
    }),
  );

  const remove = useMutation(
    trpc.team.removeMember.mutationOptions({
      onSuccess: async () => {
        const name = removing?.name;
        setRemoving(null);
        await refreshTeam();
        if (name) toast.show(`${name} was removed from ${tenantName}`);
      },
    }),
  );

  function onRoleChange(member: Member, role: Role) {
    if (role === member.role) return;
    if (member.isYou && member.role === 'owner' && role !== 'owner') {
      setDemoteSelf({ member, role });
      return;
    }
    changeRole.mutate({ membershipId: member.membershipId, role });
  }

  const members = query.data;
  return (
    <Card>
      <CardHeader
        title="Members"
        description={members ? `${members.length} ${members.length === 1 ? 'person' : 'people'} in ${tenantName}` : 'Loading members…'}
      />
      {error ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Notice tone="error">{error}</Notice>
        </div>
      ) : null}
      {query.error ? (
        <div className="px-5 py-4">
          <LoadError title="Members could not be loaded" query={query} />
        </div>
      ) : !members ? (
        <div className="space-y-4 px-5 py-4" aria-busy="true" aria-label="Loading members">
          {[0, 1].map((i) => (
            <div key={i} className="flex items-center gap-3">
              <Skeleton className="size-8 rounded-full" />
              <div className="flex-1 space-y-1.5">
                <Skeleton className="h-3.5 w-40" />
                <Skeleton className="h-3 w-56" />
              </div>
            </div>
          ))}
        </div>
      ) : members.length === 0 ? (
        <EmptyState icon={<Users />} title="No members" description="Invite someone to get started." />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-[13px]">
            <thead className="border-b border-zinc-100 text-xs text-zinc-500">
              <tr>
                <th scope="col" className="px-5 py-2.5 font-medium">
                  Member
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Role
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                  Joined
                </th>
                <th scope="col" className="px-5 py-2.5">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {members.map((member) => {
                const pendingRole = pendingRoles[member.membershipId];
                return (
                  <tr key={member.membershipId} className="align-middle">
                    <td className="px-5 py-3">
                      <div className="flex items-center gap-3">
                        <Avatar name={member.name} />
                        <div className="min-w-0">
                          <p className="flex items-center gap-1.5 font-medium text-zinc-900">
                            <span className="truncate">{member.name}</span>
                            {member.isYou ? <Badge tone="accent">You</Badge> : null}
                          </p>
                          <p className="truncate text-zinc-500">{member.email}</p>
                        </div>
                      </div>
                    </td>
                    <td className="px-3 py-3">
                      {actorRole === 'owner' ? (
                        <div className="flex items-center gap-2">
                          <Select
                            aria-label={`Role of ${member.name}`}
                            value={pendingRole ?? member.role}
                            disabled={!!pendingRole}
                            onChange={(e) => onRoleChange(member, e.target.value as Role)}
                            className="h-8 w-28 text-[13px]"
                          >
                            {roleOptions.map((o) => (
                              <option key={o.value} value={o.value}>
                                {o.label}
                              </option>
                            ))}
                          </Select>
                          {pendingRole ? <Spinner className="text-zinc-400" label="Saving role" /> : null}
                        </div>
                      ) : (
                        <Badge tone={member.role === 'owner' ? 'accent' : 'neutral'}>{roleLabel(member.role)}</Badge>
                      )}
                    </td>
                    <td className="hidden px-3 py-3 whitespace-nowrap text-zinc-500 lg:table-cell">{formatDate(member.joinedAt)}</td>
                    <td className="px-5 py-3 text-right">
                      {canRemove(actorRole, member) ? (
                        <Button
                          variant="ghost"
                          size="sm"
                          aria-label={`Remove ${member.name}`}
                          title={`Remove ${member.name}`}
                          onClick={() => {
                            remove.reset();
                            setRemoving(member);
                          }}
                          icon={<UserMinus className="size-4" aria-hidden="true" />}
                        >
                          <span className="hidden sm:inline">Remove</span>
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <ConfirmDialog
        open={!!demoteSelf}
        onClose={() => setDemoteSelf(null)}
        onConfirm={() => demoteSelf && changeRole.mutate({ membershipId: demoteSelf.member.membershipId, role: demoteSelf.role })}
        pending={changeRole.isPending}
        tone="primary"
        title="Step down as owner?"
        description={
          demoteSelf
            ? `You will become ${roleLabel(demoteSelf.role).toLowerCase()} of ${tenantName}. You will no longer be able to change roles or remove owners, and only another owner can make you an owner again.`
            : ''
        }
        confirmLabel={demoteSelf ? `Become ${roleLabel(demoteSelf.role).toLowerCase()}` : 'Confirm'}
      />
      <ConfirmDialog
        open={!!removing}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate({ membershipId: removing.membershipId })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        title={removing ? `Remove ${removing.name}?` : 'Remove member?'}
        description={
          removing
            ? `${removing.name} (${removing.email}) will lose access to ${tenantName} right away. To bring them back, invite them again.`
            : ''
        }
        confirmLabel="Remove member"
      />
    </Card>
  );
}
