import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getServices } from './services.ts';
import { createContext, type SessionInfo } from './context.ts';

/** For server components: the signed-in session, or a redirect to sign-in. */
export async function requireSession(): Promise<SessionInfo> {
  const ctx = await createContext({ services: getServices(), headers: await headers() });
  if (!ctx.session) redirect('/sign-in');
  return ctx.session;
}

/** For server components: the session if there is one. */
export async function optionalSession(): Promise<SessionInfo | null> {
  const ctx = await createContext({ services: getServices(), headers: await headers() });
  return ctx.session;
}
