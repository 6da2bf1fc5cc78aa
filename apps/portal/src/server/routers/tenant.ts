import { z } from 'zod';
import { getDashboard, getRunStats, getTenant, renameTenant } from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';
import { tenantName } from './schemas.ts';

/** An IANA time zone the runtime knows (the browser's, for days that end at the viewer's midnight). */
const timeZone = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'Not a known time zone');

/** The active workspace. */
export const tenantRouter = router({
  get: tenantProcedure.query(({ ctx }) => getTenant(ctx.db, ctx.actor)),
  rename: tenantProcedure.input(z.strictObject({ name: tenantName })).mutation(({ ctx, input }) => renameTenant(ctx.db, ctx.actor, input)),
  dashboard: tenantProcedure.query(({ ctx }) => getDashboard(ctx.db, ctx.actor)),
  /** Runs per day by outcome, the failure rate and the flows that failed most recently. */
  runStats: tenantProcedure
    .input(z.strictObject({ days: z.number().int().min(1).max(90), timeZone: timeZone.optional() }))
    .query(({ ctx, input }) => getRunStats(ctx.db, ctx.actor, input)),
});
