'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';

/** Refetches what a team change affects: the lists, the dashboard counts and your own workspace role. */
export function useRefreshTeam() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.tenant.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.me.pathKey() }),
    ]);
}
