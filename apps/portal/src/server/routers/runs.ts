import { z } from 'zod';
import { getRun, listRuns, previewReplay, replayRun } from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';
import { uuid } from './schemas.ts';

const status = z.enum(['queued', 'running', 'retrying', 'succeeded', 'failed', 'filtered', 'cancelled']);

/** Runs: the list with filters and keyset pagination, the step timeline, replay. */
export const runsRouter = router({
  list: tenantProcedure
    .input(
      z
        .strictObject({
          flowId: uuid.optional(),
          status: z.array(status).max(7).optional(),
          from: z.date().optional(),
          to: z.date().optional(),
          businessKey: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(200).optional(),
          cursor: z.string().max(500).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listRuns(ctx.db, ctx.actor, input ?? {})),
  get: tenantProcedure.input(z.strictObject({ runId: uuid })).query(({ ctx, input }) => getRun(ctx.db, ctx.actor, input)),
  replayPreview: tenantProcedure
    .input(z.strictObject({ runId: uuid, from: z.enum(['failed_step', 'trigger']) }))
    .query(({ ctx, input }) => previewReplay(ctx.db, ctx.actor, input)),
  replay: tenantProcedure
    .input(z.strictObject({ runId: uuid, from: z.enum(['failed_step', 'trigger']) }))
    .mutation(({ ctx, input }) => replayRun(ctx.db, ctx.actor, input)),
});
