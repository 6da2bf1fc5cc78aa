import { z } from 'zod';
import { connectorManifest } from '@conflux/connector-sdk';
import { AppError } from '@conflux/core';
import { authedProcedure, router } from '../trpc.ts';

/** The connector catalogue: manifests only (no code), props as JSON Schema for form rendering. */
export const catalogRouter = router({
  list: authedProcedure.query(({ ctx }) =>
    ctx.services.catalog.list().map((c) => {
      const m = connectorManifest(c);
      return { ...m, actions: m.actions.map(({ key, name, description }) => ({ key, name, description })), triggers: m.triggers.map(({ key, type, name, description }) => ({ key, type, name, description })) };
    }),
  ),
  get: authedProcedure.input(z.strictObject({ connectorId: z.string().min(1).max(40) })).query(({ ctx, input }) => {
    const connector = ctx.services.catalog.get(input.connectorId);
    if (!connector) throw new AppError('CONNECTOR_NOT_FOUND', `There is no connector "${input.connectorId}".`);
    // The callback people register with the provider when they create their OAuth app.
    return { ...connectorManifest(connector), oauthRedirectUri: `${ctx.services.config.publicUrl}/api/oauth/callback` };
  }),
});
