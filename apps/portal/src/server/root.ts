import { meRouter } from './routers/me.ts';
import { teamRouter } from './routers/team.ts';
import { tenantRouter } from './routers/tenant.ts';
import { catalogRouter } from './routers/catalog.ts';
import { connectionsRouter } from './routers/connections.ts';
import { flowsRouter } from './routers/flows.ts';
import { runsRouter } from './routers/runs.ts';
import { mappingsRouter } from './routers/mappings.ts';
import { devicesRouter } from './routers/devices.ts';
import { usageRouter } from './routers/usage.ts';
import { syncsRouter } from './routers/syncs.ts';
import { createCallerFactory, router } from './trpc.ts';

/** Every procedure of the portal's API. test: attacker-victim.test.ts enumerates them all. */
export const appRouter = router({
  me: meRouter,
  tenant: tenantRouter,
  team: teamRouter,
  catalog: catalogRouter,
  connections: connectionsRouter,
  flows: flowsRouter,
  runs: runsRouter,
  mappings: mappingsRouter,
  devices: devicesRouter,
  usage: usageRouter,
  syncs: syncsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
