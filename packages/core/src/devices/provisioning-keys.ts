import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import { requireRole } from '../tenants/roles.ts';
import { writeAudit } from '../tenants/audit.ts';
import { generateProvisioningKey, provisioningKeyHash } from './credentials.ts';

/** A provisioning key as listed (never the key itself). */
export interface ProvisioningKeyDto {
  id: string;
  name: string;
  /** The first characters, to tell keys apart. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const select = { id: true, name: true, keyPrefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

function toDto(row: { id: string; name: string; keyPrefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ProvisioningKeyDto {
  return { id: row.id, name: row.name, prefix: row.keyPrefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

/** Creates a key for provisioning devices by API; the key is returned here once, only its SHA-256 is kept. */
export async function createProvisioningKey(db: TenantDb, actor: Actor, params: { name: string }): Promise<{ key: string; provisioningKey: ProvisioningKeyDto }> {
  requireRole(actor.role, 'admin', 'create provisioning keys');
  const key = generateProvisioningKey();
  const row = await db.deviceProvisioningKey.create({
    data: { tenantId: actor.tenantId, name: params.name, keyHash: provisioningKeyHash(key), keyPrefix: key.slice(0, 12), createdById: actor.userId },
    select,
  });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'device.provisioning_key_created', target: params.name, data: { keyId: row.id } });
  return { key, provisioningKey: toDto(row) };
}

/** The tenant's provisioning keys, newest first, revoked ones included. */
export async function listProvisioningKeys(db: TenantDb, actor: Actor): Promise<ProvisioningKeyDto[]> {
  const rows = await db.deviceProvisioningKey.findMany({ where: { tenantId: actor.tenantId }, select, orderBy: { createdAt: 'desc' }, take: 200 });
  return rows.map(toDto);
}

/** Revokes a key: provisioning with it is refused from now on; devices it created keep working. */
export async function revokeProvisioningKey(db: TenantDb, actor: Actor, params: { keyId: string }): Promise<ProvisioningKeyDto> {
  requireRole(actor.role, 'admin', 'revoke provisioning keys');
  const current = await db.deviceProvisioningKey.findFirst({ where: { id: params.keyId, tenantId: actor.tenantId }, select });
  if (!current) throw new AppError('PROVISIONING_KEY_NOT_FOUND', 'That provisioning key does not exist.');
  if (current.revokedAt) return toDto(current);
  const row = await db.deviceProvisioningKey.update({ where: { id: current.id }, data: { revokedAt: new Date() }, select });
  await writeAudit(db, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'device.provisioning_key_revoked', target: current.name, data: { keyId: current.id } });
  return toDto(row);
}
