import { z } from 'zod';
import {
  acceptInvitation,
  createTenant,
  getInvitation,
  listSessions,
  listTenantsOfUser,
  revokeOtherSessions,
  revokeSession,
  switchTenant,
} from '@conflux/core/identity';
import { activeTenantOf } from '../context.ts';
import { authedProcedure, router } from '../trpc.ts';
import { tenantName, uuid } from './schemas.ts';

/** The signed-in user: profile, workspaces, sessions, invitations addressed to them. */
export const meRouter = router({
  get: authedProcedure.query(async ({ ctx }) => {
    const [tenants, active] = await Promise.all([
      listTenantsOfUser(ctx.services.system.db, { userId: ctx.session.userId }),
      activeTenantOf(ctx),
    ]);
    return {
      user: { id: ctx.session.userId, name: ctx.session.name, email: ctx.session.email, emailVerified: ctx.session.emailVerified },
      activeTenant: active ? (tenants.find((t) => t.id === active.tenantId) ?? null) : null,
      tenants,
      mailCatcher: ctx.services.config.mailCatcher,
    };
  }),

  switchTenant: authedProcedure.input(z.strictObject({ tenantId: uuid })).mutation(({ ctx, input }) =>
    switchTenant(ctx.services.system.db, { sessionId: ctx.session.id, userId: ctx.session.userId, tenantId: input.tenantId }),
  ),

  createTenant: authedProcedure.input(z.strictObject({ name: tenantName })).mutation(async ({ ctx, input }) => {
    const tenant = await createTenant(ctx.services.system.db, { name: input.name, ownerUserId: ctx.session.userId });
    await switchTenant(ctx.services.system.db, { sessionId: ctx.session.id, userId: ctx.session.userId, tenantId: tenant.id });
    return tenant;
  }),

  sessions: authedProcedure.query(({ ctx }) =>
    listSessions(ctx.services.system.db, { userId: ctx.session.userId, currentSessionId: ctx.session.id }),
  ),

  revokeSession: authedProcedure.input(z.strictObject({ sessionId: z.string().min(1).max(100) })).mutation(({ ctx, input }) =>
    revokeSession(ctx.services.system.db, { userId: ctx.session.userId, sessionId: input.sessionId }),
  ),

  revokeOtherSessions: authedProcedure.mutation(({ ctx }) =>
    revokeOtherSessions(ctx.services.system.db, { userId: ctx.session.userId, currentSessionId: ctx.session.id }),
  ),

  invitation: authedProcedure.input(z.strictObject({ token: z.string().min(10).max(200) })).query(({ ctx, input }) =>
    getInvitation(ctx.services.system.db, { token: input.token }),
  ),

  acceptInvitation: authedProcedure.input(z.strictObject({ token: z.string().min(10).max(200) })).mutation(({ ctx, input }) =>
    acceptInvitation(ctx.services.system.db, {
      token: input.token,
      userId: ctx.session.userId,
      userEmail: ctx.session.email,
      emailVerified: ctx.session.emailVerified,
      sessionId: ctx.session.id,
    }),
  ),
});
