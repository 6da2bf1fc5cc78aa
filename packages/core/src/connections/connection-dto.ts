import type { ConnectorCatalog } from './catalog.ts';

/** A connection as the API returns it: never the secret values, only which secret fields are set. */
export interface ConnectionDto {
  id: string;
  connectorId: string;
  connectorName: string;
  name: string;
  authKind: string;
  status: 'ok' | 'needs_reconnect' | 'error';
  statusReason: string | null;
  metadata: Record<string, unknown>;
  hasSecret: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns a ConnectionDto needs (select them explicitly; never the secret). */
export const connectionSelect = {
  id: true,
  connectorId: true,
  name: true,
  authKind: true,
  status: true,
  statusReason: true,
  metadata: true,
  secret: true,
  createdAt: true,
  updatedAt: true,
} as const;

export function toConnectionDto(
  row: { id: string; connectorId: string; name: string; authKind: string; status: ConnectionDto['status']; statusReason: string | null; metadata: unknown; secret: Uint8Array | null; createdAt: Date; updatedAt: Date },
  catalog: ConnectorCatalog,
): ConnectionDto {
  const { secret, metadata, ...rest } = row;
  return {
    ...rest,
    connectorName: catalog.get(row.connectorId)?.name ?? row.connectorId,
    metadata: (metadata ?? {}) as Record<string, unknown>,
    hasSecret: !!secret && secret.length > 0,
  };
}
