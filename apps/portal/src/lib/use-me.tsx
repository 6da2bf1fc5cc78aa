'use client';
import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/root';
import { useTRPC } from './trpc';

/** What `me.get` returns: the user, the active workspace and all of theirs. */
export type Me = inferRouterOutputs<AppRouter>['me']['get'];

const InitialMe = createContext<Me | null>(null);

/** Seeds `useMe()` with what the server layout already loaded, so the shell renders without a spinner. */
export function MeProvider({ initial, children }: { initial: Me; children: ReactNode }) {
  return <InitialMe value={initial}>{children}</InitialMe>;
}

/** The signed-in user and workspaces; always defined inside the app shell. */
export function useMe(): Me {
  const trpc = useTRPC();
  const initial = useContext(InitialMe);
  if (!initial) throw new Error('useMe must be used inside MeProvider');
  const { data } = useQuery({ ...trpc.me.get.queryOptions(), initialData: initial });
  return data;
}
