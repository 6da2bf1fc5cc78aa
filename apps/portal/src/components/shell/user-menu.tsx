'use client';
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ChevronsUpDown, LogOut, ShieldCheck } from 'lucide-react';
import { authClient } from '@/lib/auth-client';
import { cn } from '@/lib/cn';
import { Avatar } from '@/components/ui/avatar';
import { Menu, MenuItem, MenuLink, MenuSeparator } from '@/components/ui/menu';
import { Spinner } from '@/components/ui/spinner';

/** Signs out and drops everything cached for this user. */
export function useSignOut() {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  async function signOut() {
    setPending(true);
    await authClient.signOut();
    queryClient.clear();
    window.location.assign('/sign-in');
  }
  return { signOut, pending };
}

/** The signed-in person: name and email, the account page, and sign out. */
export function UserMenu({ user, compact = false, side = 'top' }: { user: { id: string; name: string; email: string }; compact?: boolean; side?: 'top' | 'bottom' }) {
  const { signOut, pending } = useSignOut();
  return (
    <Menu
      side={side}
      align={compact ? 'end' : 'start'}
      className={compact ? undefined : 'w-full'}
      triggerLabel={`Account menu for ${user.name}`}
      triggerClassName={cn(
        'flex items-center gap-2.5 rounded-lg text-left hover:bg-zinc-200/60 aria-expanded:bg-zinc-200/60',
        compact ? 'p-1' : 'w-full px-2 py-1.5',
      )}
      trigger={
        <>
          <Avatar name={user.name} size={compact ? 'sm' : 'md'} />
          {compact ? null : (
            <>
              <span className="min-w-0 flex-1">
                <span className="block truncate text-[13px] font-medium text-zinc-900">{user.name}</span>
                <span className="block truncate text-xs text-zinc-500">{user.email}</span>
              </span>
              {pending ? <Spinner className="text-zinc-400" label="Signing out" /> : <ChevronsUpDown className="size-4 text-zinc-400" aria-hidden="true" />}
            </>
          )}
        </>
      }
    >
      {(close) => (
        <>
          <div className="px-2.5 py-2">
            <p className="truncate text-[13px] font-medium text-zinc-900">{user.name}</p>
            <p className="truncate text-xs text-zinc-500">{user.email}</p>
          </div>
          <MenuSeparator />
          <MenuLink href="/account" onSelect={close}>
            <ShieldCheck className="size-4 text-zinc-500" aria-hidden="true" />
            Account & sessions
          </MenuLink>
          <MenuItem
            onSelect={() => {
              close();
              void signOut();
            }}
          >
            <LogOut className="size-4 text-zinc-500" aria-hidden="true" />
            Sign out
          </MenuItem>
        </>
      )}
    </Menu>
  );
}
