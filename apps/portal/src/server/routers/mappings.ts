import { z } from 'zod';
import { fieldPaths, previewMapping, validateMapping } from '@conflux/mapping';
import { authedProcedure, router } from '../trpc.ts';

const expression = z.string().max(20_000);
const sample = z.unknown().refine((v) => JSON.stringify(v ?? null).length <= 1_000_000, 'The sample is too large (1 MB at most)');

/** The mapping editor's helpers: validation with positions, a live preview, the sample's fields. */
export const mappingsRouter = router({
  validate: authedProcedure.input(z.strictObject({ expression })).query(({ input }) => validateMapping(input.expression)),
  preview: authedProcedure.input(z.strictObject({ expression, sample })).mutation(({ input }) => previewMapping(input.expression, input.sample as never)),
  fields: authedProcedure.input(z.strictObject({ sample })).query(({ input }) => fieldPaths(input.sample as never)),
});
