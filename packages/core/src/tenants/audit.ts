import type { TenantDb } from '@conflux/db';

/** Appends to the tenant's audit log (same transaction as the change it records). */
export async function writeAudit(
  db: TenantDb,
  entry: { tenantId: string; actorUserId: string | null; action: string; target?: string; data?: Record<string, unknown> },
): Promise<void> {
  await db.auditLog.create({
    data: {
      tenantId: entry.tenantId,
      actorUserId: entry.actorUserId,
      action: entry.action,
      target: entry.target ?? null,
      data: (entry.data ?? {}) as object,
    },
  });
}
