import type { ConnectorDefinition } from '@conflux/connector-sdk';
import { AppError } from '../errors.ts';

/** The installed connectors (the generated registry in production, a handful in tests). */
export interface ConnectorCatalog {
  get(id: string): ConnectorDefinition | undefined;
  list(): ConnectorDefinition[];
}

export function catalogFrom(connectors: ConnectorDefinition[]): ConnectorCatalog {
  const byId = new Map(connectors.map((c) => [c.id, c]));
  return { get: (id) => byId.get(id), list: () => [...byId.values()] };
}

export function requireConnector(catalog: ConnectorCatalog, id: string): ConnectorDefinition {
  const connector = catalog.get(id);
  if (!connector) throw new AppError('CONNECTOR_NOT_FOUND', `There is no connector "${id}".`);
  return connector;
}
