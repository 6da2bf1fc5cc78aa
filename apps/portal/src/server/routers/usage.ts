import { getUsage } from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';

/** The workspace's plan, what it used of each limit, and the plans to compare with (/usage). */
export const usageRouter = router({
  get: tenantProcedure.query(({ ctx }) => getUsage(ctx.db, ctx.actor)),
});
