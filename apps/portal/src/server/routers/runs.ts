import { z } from 'zod';
import { bulkReplay, getRun, listRuns, previewBulkReplay, previewReplay, replayRun } from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';
import { uuid } from './schemas.ts';

/** The runs list's filters that pick the failed runs of a bulk replay. */
const bulkFilter = z.strictObject({ flowId: uuid.optional(), from: z.date().optional(), to: z.date().optional(), businessKey: z.string().max(200).optional() });

const status = z.enum(['queued', 'running', 'retrying', 'quota_exceeded', 'succeeded', 'failed', 'filtered', 'cancelled']);

/** Runs: the list with filters and keyset pagination, the step timeline, replay. */
export const runsRouter = router({
  list: tenantProcedure
    .input(
      z
        .strictObject({
          flowId: uuid.optional(),
          status: z.array(status).max(status.options.length).optional(),
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
  /** How many failed runs match the filter, and how many one bulk replay resumes. */
  bulkReplayPreview: tenantProcedure.input(bulkFilter).query(({ ctx, input }) => previewBulkReplay(ctx.db, ctx.actor, input)),
  /** Resumes the failed runs matching the filter from their failed step (a capped batch per call). */
  bulkReplay: tenantProcedure.input(bulkFilter).mutation(({ ctx, input }) => bulkReplay(ctx.db, ctx.actor, input)),
});
