import { z } from 'zod';
import { getDashboard, getTenant, renameTenant } from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';
import { tenantName } from './schemas.ts';

/** The active workspace. */
export const tenantRouter = router({
  get: tenantProcedure.query(({ ctx }) => getTenant(ctx.db, ctx.actor)),
  rename: tenantProcedure.input(z.strictObject({ name: tenantName })).mutation(({ ctx, input }) => renameTenant(ctx.db, ctx.actor, input)),
  dashboard: tenantProcedure.query(({ ctx }) => getDashboard(ctx.db, ctx.actor)),
});
