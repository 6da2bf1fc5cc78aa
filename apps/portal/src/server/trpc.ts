import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { AppError, getMembership, type Actor, type ErrorKind } from '@conflux/core';
import type { TenantDb } from '@conflux/db';
import { activeTenantOf, type Context } from './context.ts';

const kindToCode: Record<ErrorKind, TRPCError['code']> = {
  not_found: 'NOT_FOUND',
  forbidden: 'FORBIDDEN',
  conflict: 'CONFLICT',
  invalid: 'BAD_REQUEST',
  precondition: 'PRECONDITION_FAILED',
  unauthenticated: 'UNAUTHORIZED',
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // Internal errors keep their details in the server log, not in the response.
      message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Something went wrong on our side. Please try again.' : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: cause instanceof AppError ? cause.code : null,
        // Located problems (e.g. a flow definition's, by path), so the builder can show them where they are.
        issues: cause instanceof AppError ? (cause.issues ?? null) : null,
        fieldErrors: cause instanceof ZodError ? cause.flatten().fieldErrors : null,
      },
    };
  },
});

/** Maps core's AppError to the matching tRPC code once, for every procedure. */
const mapErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: kindToCode[cause.kind], message: cause.message, cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path} failed`, result.error.cause ?? result.error);
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(mapErrors);

/** A signed-in user; no tenant needed. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/**
 * A signed-in member of the session's active tenant. The tenant comes from the session only; the
 * procedure runs inside `withTenant`, so a failure rolls back everything it wrote.
 */
export const tenantProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const active = await activeTenantOf(ctx);
  if (!active) {
    throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'You are not in any workspace yet: create one to continue.' });
  }
  return ctx.services.gate.withTenant(active.tenantId, async (db: TenantDb) => {
    const membership = await getMembership(db, { tenantId: active.tenantId, userId: ctx.session.userId });
    if (!membership) throw new TRPCError({ code: 'FORBIDDEN', message: 'You are no longer a member of this workspace.' });
    const actor: Actor = { userId: ctx.session.userId, tenantId: active.tenantId, role: membership.role };
    const result = await next({ ctx: { ...ctx, db, actor } });
    // Throwing inside the gate rolls the transaction back; mapErrors turns the error into its tRPC code.
    if (!result.ok) throw result.error;
    return result;
  });
});

/**
 * A member of the session's active tenant, like tenantProcedure, but with no transaction around the
 * procedure: for work that waits on the network (a connection test), which must not hold a database
 * connection meanwhile. The procedure gets `ctx.gate` and opens short units of work itself.
 */
export const gatedProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const active = await activeTenantOf(ctx);
  if (!active) {
    throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'You are not in any workspace yet: create one to continue.' });
  }
  const membership = await ctx.services.gate.withTenant(active.tenantId, (db: TenantDb) => getMembership(db, { tenantId: active.tenantId, userId: ctx.session.userId }));
  if (!membership) throw new TRPCError({ code: 'FORBIDDEN', message: 'You are no longer a member of this workspace.' });
  const actor: Actor = { userId: ctx.session.userId, tenantId: active.tenantId, role: membership.role };
  return next({ ctx: { ...ctx, gate: ctx.services.gate, actor } });
});

export { AppError };
