import { z } from 'zod';
import { listSyncFlows, listSyncs, requestSync, resetSyncCursor } from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';
import { uuid } from './schemas.ts';

/** Sync flows (flows with a polling trigger): their passes, progress, and "Sync now". */
export const syncsRouter = router({
  /** Every sync flow with its latest pass. */
  list: tenantProcedure.query(({ ctx }) => listSyncFlows(ctx.db, ctx.actor)),
  /** The newest passes of one sync flow; ask for a larger `limit` to see further back. */
  passes: tenantProcedure
    .input(z.strictObject({ flowId: uuid, limit: z.number().int().min(1).max(100).optional() }))
    .query(({ ctx, input }) => listSyncs(ctx.db, ctx.actor, input)),
  /** Queues a pass now; one already running makes it skip rather than run twice. */
  syncNow: tenantProcedure.input(z.strictObject({ flowId: uuid })).mutation(({ ctx, input }) => requestSync(ctx.db, ctx.actor, input)),
  /** Makes the next pass read the source from the start (unchanged records still start nothing). */
  resetCursor: tenantProcedure.input(z.strictObject({ flowId: uuid })).mutation(({ ctx, input }) => resetSyncCursor(ctx.db, ctx.actor, input)),
});
