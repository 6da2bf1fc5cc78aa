import type { SystemDb } from '@conflux/db/system';
import { provisioningKeyHash } from '../devices/credentials.ts';

/**
 * Resolves a provisioning key (`Authorization: Bearer cfxp_…`) to its tenant: the provisioning door of the
 * tenant gate. Null for an unknown or revoked key.
 */
export async function findProvisioningKey(sys: SystemDb, params: { key: string }): Promise<{ tenantId: string; keyId: string } | null> {
  if (typeof params.key !== 'string' || !/^cfxp_[A-Za-z0-9_-]{43}$/.test(params.key)) return null;
  const row = await sys.deviceProvisioningKey.findUnique({ where: { keyHash: provisioningKeyHash(params.key) }, select: { id: true, tenantId: true, revokedAt: true } });
  if (!row || row.revokedAt) return null;
  return { tenantId: row.tenantId, keyId: row.id };
}
