import { resolveActiveTenant } from '@conflux/core/identity';
import type { Services } from './services.ts';

/** The signed-in session as procedures see it. */
export interface SessionInfo {
  id: string;
  userId: string;
  name: string;
  email: string;
  emailVerified: boolean;
  activeTenantId: string | null;
}

/** Per-request context: the services and the session (from the cookie), never anything from input. */
export interface Context {
  services: Services;
  session: SessionInfo | null;
}

export async function createContext(params: { services: Services; headers: Headers }): Promise<Context> {
  const found = await params.services.auth.api.getSession({ headers: params.headers });
  if (!found) return { services: params.services, session: null };
  return {
    services: params.services,
    session: {
      id: found.session.id,
      userId: found.user.id,
      name: found.user.name,
      email: found.user.email,
      emailVerified: found.user.emailVerified,
      activeTenantId: (found.session as { activeTenantId?: string | null }).activeTenantId ?? null,
    },
  };
}

/** The session's tenant after re-checking membership (a removed member is moved to another workspace). */
export function activeTenantOf(ctx: Context & { session: SessionInfo }) {
  return resolveActiveTenant(ctx.services.system.db, {
    id: ctx.session.id,
    userId: ctx.session.userId,
    activeTenantId: ctx.session.activeTenantId,
  });
}
