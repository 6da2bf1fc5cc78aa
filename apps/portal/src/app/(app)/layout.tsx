import type { ReactNode } from 'react';
import { requireSession } from '@/server/session';
import { serverApi } from '@/lib/server-api';
import { AppShell } from '@/components/shell/app-shell';

// Request-time only: the build never needs a database or the session.
export const dynamic = 'force-dynamic';

/** Every page in here needs a signed-in user; signed-out visitors go to /sign-in. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  await requireSession();
  const me = await (await serverApi()).me.get();
  return <AppShell initialMe={me}>{children}</AppShell>;
}
