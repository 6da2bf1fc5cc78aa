import type pg from 'pg';
import type { Task } from 'graphile-worker';
import type { TenantGate } from '@conflux/db';
import { deleteExpiredTelemetry } from '@conflux/core';
import { parsePayload } from '@conflux/queue';
import { deleteInBatches } from './in-batches.ts';

const BATCH = 10_000;

/**
 * Telemetry retention: for each tenant with devices (or the one named), deletes device messages, per-minute
 * counters and finished commands past the tenant's retention (its device quota, else its plan's), in
 * batches of short transactions inside that tenant's gate.
 */
export function deviceRetentionTask(params: { pool: pg.Pool; gate: TenantGate }): Task {
  return async (payload, helpers) => {
    const job = parsePayload('device-retention', payload);
    const tenants = job.tenantId
      ? [job.tenantId]
      : (await params.pool.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM device')).rows.map((r) => r.tenant_id);
    const deleted = await deleteInBatches(params.gate, tenants, BATCH, async (db, tenantId) => (await deleteExpiredTelemetry(db, { tenantId, batchSize: BATCH })).messages);
    if (deleted) helpers.logger.info(`device retention deleted ${deleted} messages`);
  };
}
