import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import type { ConnectorCatalog } from './catalog.ts';
import { connectionSelect, toConnectionDto, type ConnectionDto } from './connection-dto.ts';

/** The tenant's connections, optionally for one connector. */
export async function listConnections(db: TenantDb, actor: Actor, params: { connectorId?: string }, deps: { catalog: ConnectorCatalog }): Promise<ConnectionDto[]> {
  const rows = await db.connection.findMany({
    where: { tenantId: actor.tenantId, ...(params.connectorId ? { connectorId: params.connectorId } : {}) },
    select: connectionSelect,
    orderBy: { name: 'asc' },
    take: 1000,
  });
  return rows.map((r) => toConnectionDto(r, deps.catalog));
}
