import type { TenantDb } from '@conflux/db';
import { enqueue } from '@conflux/queue';
import { quotaExceededMail } from '../mail/templates.ts';

/**
 * Mails the workspace's owners that its monthly run quota is used up (the dispatcher parks new runs as
 * quota_exceeded and asks for this once a month). One send-email job per owner, in the caller's
 * transaction, so each mail is retried on its own. Returns the number of mails queued.
 */
export async function queueQuotaExceededMails(db: TenantDb, params: { tenantId: string; publicUrl: string }): Promise<number> {
  // One after the other: a transaction is one connection, which runs one query at a time anyway.
  const tenant = await db.tenant.findUnique({ where: { id: params.tenantId }, select: { name: true } });
  const account = await db.tenantAccount.findUnique({ where: { tenantId: params.tenantId }, select: { plan: { select: { name: true, runsPerMonth: true } } } });
  const owners = await db.membership.findMany({ where: { tenantId: params.tenantId, role: 'owner' }, select: { user: { select: { email: true } } } });
  if (!tenant || !account) return 0;
  const mail = quotaExceededMail({
    tenantName: tenant.name,
    planName: account.plan.name,
    limit: account.plan.runsPerMonth,
    url: `${params.publicUrl.replace(/\/$/, '')}/usage`,
  });
  for (const owner of owners) await enqueue(db, 'send-email', { to: owner.user.email, ...mail });
  return owners.length;
}
