'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check, ChevronsUpDown, Plus } from 'lucide-react';
import { errorMessage } from '@/lib/errors';
import { roleLabel } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import type { Me } from '@/lib/use-me';
import { Avatar } from '@/components/ui/avatar';
import { Menu, MenuItem, MenuLabel, MenuSeparator } from '@/components/ui/menu';
import { Spinner } from '@/components/ui/spinner';
import { useToast } from '@/components/ui/toast';
import { CreateWorkspaceDialog } from './create-workspace';

/** Shows the active workspace; lists the others to switch to, and creates new ones. */
export function WorkspaceSwitcher({ me }: { me: Me }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const active = me.activeTenant;

  const switchTenant = useMutation(
    trpc.me.switchTenant.mutationOptions({
      onSuccess: async (_result, variables) => {
        // Everything cached belongs to the previous workspace: refetch before showing the new one.
        await queryClient.invalidateQueries();
        router.refresh();
        const name = me.tenants.find((t) => t.id === variables.tenantId)?.name;
        if (name) toast.show(`Switched to ${name}`, 'info');
      },
      onError: (error) => toast.show(errorMessage(error), 'error'),
    }),
  );

  return (
    <>
      <Menu
        className="w-full"
        triggerLabel={active ? `Workspace: ${active.name}. Switch workspace` : 'Switch workspace'}
        triggerClassName="group flex w-full items-center gap-2.5 rounded-lg px-2 py-1.5 text-left hover:bg-zinc-200/60 aria-expanded:bg-zinc-200/60"
        trigger={
          <>
            <Avatar name={active?.name ?? '?'} square size="md" />
            <span className="min-w-0 flex-1">
              <span className="block truncate text-[13px] font-semibold text-zinc-900">{active?.name ?? 'No workspace'}</span>
              <span className="block truncate text-xs text-zinc-500">{active ? roleLabel(active.role) : ''}</span>
            </span>
            {switchTenant.isPending ? <Spinner className="text-zinc-400" label="Switching workspace" /> : <ChevronsUpDown className="size-4 text-zinc-400" aria-hidden="true" />}
          </>
        }
      >
        {(close) => (
          <>
            <MenuLabel>Workspaces</MenuLabel>
            <div className="max-h-72 overflow-y-auto">
              {me.tenants.map((tenant) => (
                <MenuItem
                  key={tenant.id}
                  checked={tenant.id === active?.id}
                  onSelect={() => {
                    close();
                    if (tenant.id !== active?.id) switchTenant.mutate({ tenantId: tenant.id });
                  }}
                >
                  <Avatar name={tenant.name} square size="sm" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-zinc-900">{tenant.name}</span>
                    <span className="block text-xs text-zinc-500">{roleLabel(tenant.role)}</span>
                  </span>
                  {tenant.id === active?.id ? <Check className="size-4 text-indigo-600" aria-hidden="true" /> : null}
                </MenuItem>
              ))}
            </div>
            <MenuSeparator />
            <MenuItem
              onSelect={() => {
                close();
                setCreating(true);
              }}
            >
              <span className="flex size-6 items-center justify-center rounded-md border border-dashed border-zinc-300 text-zinc-500">
                <Plus className="size-3.5" aria-hidden="true" />
              </span>
              Create workspace
            </MenuItem>
          </>
        )}
      </Menu>
      <CreateWorkspaceDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
