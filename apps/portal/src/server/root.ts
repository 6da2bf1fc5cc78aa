import { meRouter } from './routers/me.ts';
import { teamRouter } from './routers/team.ts';
import { tenantRouter } from './routers/tenant.ts';
import { createCallerFactory, router } from './trpc.ts';

/** Every procedure of the portal's API. test: attacker-victim.test.ts enumerates them all. */
export const appRouter = router({
  me: meRouter,
  tenant: tenantRouter,
  team: teamRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
