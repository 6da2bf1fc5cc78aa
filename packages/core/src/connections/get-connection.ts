import type { TenantDb } from '@conflux/db';
import { AppError } from '../errors.ts';
import type { Actor } from '../tenants/actor.ts';
import type { ConnectorCatalog } from './catalog.ts';
import { connectionSelect, toConnectionDto, type ConnectionDto } from './connection-dto.ts';

export async function getConnection(db: TenantDb, actor: Actor, params: { connectionId: string }, deps: { catalog: ConnectorCatalog }): Promise<ConnectionDto> {
  const row = await db.connection.findFirst({ where: { id: params.connectionId, tenantId: actor.tenantId }, select: connectionSelect });
  if (!row) throw new AppError('CONNECTION_NOT_FOUND', 'That connection does not exist.');
  return toConnectionDto(row, deps.catalog);
}
