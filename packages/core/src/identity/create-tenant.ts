import type { SystemDb } from '@conflux/db/system';

/** Params of createTenant. */
export interface CreateTenantParams {
  name: string;
  ownerUserId: string;
}

/**
 * Creates a workspace with its first owner. Uses the system client because the tenant does not exist
 * yet, so there is no gate to enter; tenant, membership and audit row commit together.
 */
export async function createTenant(sys: SystemDb, params: CreateTenantParams): Promise<{ id: string; name: string }> {
  return sys.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({ data: { name: params.name }, select: { id: true, name: true } });
    await tx.membership.create({ data: { tenantId: tenant.id, userId: params.ownerUserId, role: 'owner' } });
    await tx.auditLog.create({
      data: { tenantId: tenant.id, actorUserId: params.ownerUserId, action: 'tenant.created', data: { name: params.name } },
    });
    return tenant;
  });
}
