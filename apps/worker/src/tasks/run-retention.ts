import type pg from 'pg';
import type { Task } from 'graphile-worker';
import type { TenantGate } from '@conflux/db';
import { deleteExpiredRuns } from '@conflux/core';
import { parsePayload } from '@conflux/queue';
import { deleteInBatches } from './in-batches.ts';

const BATCH = 1_000;

/**
 * Run-data retention: for each tenant (or the one named), deletes finished runs older than its plan's
 * retention, with their steps and the events no other run needs, in batches of short transactions inside
 * that tenant's gate. A tenant with nothing to delete costs one indexed look-up.
 */
export function runRetentionTask(params: { pool: pg.Pool; gate: TenantGate }): Task {
  return async (payload, helpers) => {
    const job = parsePayload('run-retention', payload);
    const tenants = job.tenantId
      ? [job.tenantId]
      : (await params.pool.query<{ tenant_id: string }>('SELECT tenant_id FROM tenant_account ORDER BY tenant_id')).rows.map((r) => r.tenant_id);
    let events = 0;
    const runs = await deleteInBatches(params.gate, tenants, BATCH, async (db, tenantId) => {
      const result = await deleteExpiredRuns(db, { tenantId, batchSize: BATCH });
      events += result.events;
      return result.runs;
    });
    if (runs) helpers.logger.info(`run retention deleted ${runs} runs and ${events} events`);
  };
}
