import type { Task } from 'graphile-worker';
import type pg from 'pg';
import { parsePayload } from '@conflux/queue';
import type { TenantGate } from '@conflux/db';
import { queueQuotaExceededMails } from '@conflux/core';

/** Queues the quota mail to a tenant's owners (claim_runs asks for it once a month per tenant). */
export function quotaExceededTask(params: { gate: TenantGate; publicUrl: string }): Task {
  return async (payload, helpers) => {
    const job = parsePayload('quota-exceeded', payload);
    const sent = await params.gate.withTenant(job.tenantId, (db) => queueQuotaExceededMails(db, { tenantId: job.tenantId, publicUrl: params.publicUrl }));
    helpers.logger.info(`quota reached: mailed ${sent} owner(s) of tenant ${job.tenantId}`);
  };
}

/** Releases runs parked over a quota whose tenant has headroom again (a new month, a bigger plan). */
export function quotaReleaseTask(params: { pool: pg.Pool }): Task {
  return async (_payload, helpers) => {
    const { rows } = await params.pool.query<{ released: number }>('SELECT release_quota_runs() AS released');
    if (rows[0]?.released) helpers.logger.info(`released ${rows[0].released} run(s) parked over a monthly quota`);
  };
}
