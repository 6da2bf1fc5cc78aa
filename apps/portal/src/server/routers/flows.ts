import { z } from 'zod';
import {
  AppError,
  createFlow,
  deleteFlow,
  exportFlow,
  flowIssues,
  getFlow,
  getWebhookEndpoint,
  importFlow,
  listFlows,
  listVersions,
  parseDefinition,
  publishFlow,
  recentPayloads,
  enableFlow,
  setWebhookAuthMode,
  updateFlow,
} from '@conflux/core';
import { gatedProcedure, router, tenantProcedure } from '../trpc.ts';
import { uuid } from './schemas.ts';

const flowName = z.string().trim().min(1, 'Name the flow').max(120, 'Flow names can be at most 120 characters');
const description = z.string().max(2000);
const definition = z.unknown().refine((v) => JSON.stringify(v ?? null).length <= 500_000, 'The flow definition is too large (500 KB at most)');

/** Flows: drafts, immutable published versions, enable/disable, export/import. */
export const flowsRouter = router({
  list: tenantProcedure
    .input(z.strictObject({ search: z.string().max(120).optional(), limit: z.number().int().min(1).max(200).optional(), cursor: z.strictObject({ updatedAt: z.date(), id: uuid }).optional() }).optional())
    .query(({ ctx, input }) => listFlows(ctx.db, ctx.actor, input ?? {})),
  get: tenantProcedure.input(z.strictObject({ flowId: uuid })).query(async ({ ctx, input }) => {
    const flow = await getFlow(ctx.db, ctx.actor, input);
    // Issues of the draft, so the builder can show them before publishing (never thrown here).
    let issues: { path: string; message: string; line?: number; column?: number }[];
    try {
      issues = await flowIssues(ctx.db, { tenantId: ctx.actor.tenantId, definition: parseDefinition(flow.draft), catalog: ctx.services.catalog });
    } catch (error) {
      issues = error instanceof AppError && error.issues ? error.issues : [{ path: '', message: (error as Error).message }];
    }
    const webhook = await getWebhookEndpoint(ctx.db, { tenantId: ctx.actor.tenantId, flowId: flow.id, keyring: ctx.services.keyring, gatewayUrl: ctx.services.config.gatewayUrl });
    return { ...flow, issues, webhook };
  }),
  create: tenantProcedure
    .input(z.strictObject({ name: flowName, description: description.optional(), definition: definition.optional() }))
    .mutation(({ ctx, input }) => createFlow(ctx.db, ctx.actor, input)),
  update: tenantProcedure
    .input(z.strictObject({ flowId: uuid, name: flowName.optional(), description: description.optional(), definition: definition.optional() }))
    .mutation(({ ctx, input }) => updateFlow(ctx.db, ctx.actor, input)),
  publish: tenantProcedure
    .input(z.strictObject({ flowId: uuid }))
    .mutation(({ ctx, input }) => publishFlow(ctx.db, ctx.actor, input, { catalog: ctx.services.catalog, keyring: ctx.services.keyring })),
  // No transaction around it: enabling may call the provider to subscribe the webhook.
  setEnabled: gatedProcedure
    .input(z.strictObject({ flowId: uuid, enabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      enableFlow(ctx.gate, ctx.actor, input, {
        catalog: ctx.services.catalog,
        keyring: ctx.services.keyring,
        gatewayUrl: ctx.services.config.gatewayUrl,
        fetchFor: ctx.services.fetchFor,
      }),
    ),
  setWebhookAuth: tenantProcedure
    .input(z.strictObject({ flowId: uuid, authMode: z.enum(['hmac', 'path_token']) }))
    .mutation(async ({ ctx, input }) => {
      await getFlow(ctx.db, ctx.actor, { flowId: input.flowId });
      await setWebhookAuthMode(ctx.db, { tenantId: ctx.actor.tenantId, ...input });
      return { authMode: input.authMode };
    }),
  delete: tenantProcedure.input(z.strictObject({ flowId: uuid })).mutation(({ ctx, input }) => deleteFlow(ctx.db, ctx.actor, input)),
  /** The last events the flow received, as sample input for the mapping editor. */
  recentPayloads: tenantProcedure
    .input(z.strictObject({ flowId: uuid, limit: z.number().int().min(1).max(20).optional() }))
    .query(({ ctx, input }) => recentPayloads(ctx.db, ctx.actor, input)),
  versions: tenantProcedure.input(z.strictObject({ flowId: uuid })).query(({ ctx, input }) => listVersions(ctx.db, ctx.actor, input)),
  export: tenantProcedure
    .input(z.strictObject({ flowId: uuid, source: z.enum(['published', 'draft']).optional() }))
    .query(({ ctx, input }) => exportFlow(ctx.db, ctx.actor, input)),
  import: tenantProcedure
    .input(z.strictObject({ document: definition, connections: z.record(z.string().max(60), uuid).optional(), name: flowName.optional() }))
    .mutation(({ ctx, input }) => importFlow(ctx.db, ctx.actor, input)),
});
