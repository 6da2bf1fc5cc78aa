import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';

/** The workspace as the portal shows it. */
export interface TenantDto {
  id: string;
  name: string;
  createdAt: Date;
  yourRole: Actor['role'];
}

export async function getTenant(db: TenantDb, actor: Actor): Promise<TenantDto> {
  const tenant = await db.tenant.findUnique({ where: { id: actor.tenantId }, select: { id: true, name: true, createdAt: true } });
  if (!tenant) throw new AppError('TENANT_NOT_FOUND', 'This workspace no longer exists.');
  return { ...tenant, yourRole: actor.role };
}
