import { z } from 'zod';
import { createConnection, deleteConnection, getConnection, listConnections, testConnection, updateConnection } from '@conflux/core';
import { gatedProcedure, router, tenantProcedure } from '../trpc.ts';
import { uuid } from './schemas.ts';

const name = z.string().trim().min(1, 'Name the connection').max(100, 'Connection names can be at most 100 characters');
const record = z.record(z.string().max(100), z.unknown()).refine((v) => JSON.stringify(v).length <= 20_000, 'Too large');

/** Connections: credentials go in, and never come back out. */
export const connectionsRouter = router({
  list: tenantProcedure
    .input(z.strictObject({ connectorId: z.string().max(40).optional() }).optional())
    .query(({ ctx, input }) => listConnections(ctx.db, ctx.actor, { connectorId: input?.connectorId }, { catalog: ctx.services.catalog })),
  get: tenantProcedure.input(z.strictObject({ connectionId: uuid })).query(({ ctx, input }) => getConnection(ctx.db, ctx.actor, input, { catalog: ctx.services.catalog })),
  create: tenantProcedure
    .input(z.strictObject({ connectorId: z.string().min(1).max(40), name, authKind: z.string().min(1).max(40), credentials: record, metadata: record.optional() }))
    .mutation(({ ctx, input }) => createConnection(ctx.db, ctx.actor, input, { catalog: ctx.services.catalog, keyring: ctx.services.keyring })),
  update: tenantProcedure
    .input(z.strictObject({ connectionId: uuid, name: name.optional(), metadata: record.optional(), authKind: z.string().min(1).max(40).optional(), credentials: record.optional() }))
    .mutation(({ ctx, input }) => updateConnection(ctx.db, ctx.actor, input, { catalog: ctx.services.catalog, keyring: ctx.services.keyring })),
  delete: tenantProcedure.input(z.strictObject({ connectionId: uuid })).mutation(({ ctx, input }) => deleteConnection(ctx.db, ctx.actor, input)),
  /** "Test connection": a real, read-only call with the stored credentials, outside any transaction. */
  test: gatedProcedure
    .input(z.strictObject({ connectionId: uuid }))
    .mutation(({ ctx, input }) =>
      testConnection(ctx.gate, ctx.actor, input, { catalog: ctx.services.catalog, keyring: ctx.services.keyring, fetchFor: ctx.services.fetchFor, resolveHost: ctx.services.resolveHost }),
    ),
});
