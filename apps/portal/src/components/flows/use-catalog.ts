'use client';
import { useMemo } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/root';
import { useTRPC } from '@/lib/trpc';
import type { GraphCatalog } from './flow-graph';

type Outputs = inferRouterOutputs<AppRouter>;
/** A connector as the catalogue lists it (actions and triggers without their schemas). */
export type ConnectorSummary = Outputs['catalog']['list'][number];
/** A connector's full manifest: props as JSON Schema, sample data. */
export type ConnectorManifest = Outputs['catalog']['get'];

/** The catalogue (all connectors) and the full manifests of the connectors a flow uses. */
export function useCatalog(connectorIds: string[]) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.catalog.list.queryOptions(), staleTime: Infinity });
  const ids = useMemo(() => [...new Set(connectorIds.filter(Boolean))].sort(), [connectorIds]);
  const results = useQueries({
    queries: ids.map((connectorId) => ({ ...trpc.catalog.get.queryOptions({ connectorId }), staleTime: Infinity, retry: false })),
  });
  // The results array is new on every render; when its data was updated is what matters.
  const dataKey = results.map((r) => r.dataUpdatedAt).join(',');
  const manifests = useMemo(() => {
    const map = new Map<string, ConnectorManifest>();
    results.forEach((r, i) => {
      if (r.data) map.set(ids[i]!, r.data);
    });
    return map;
  }, [ids, dataKey]);
  const loading = list.isPending || results.some((r) => r.isPending);

  const graph: GraphCatalog = useMemo(() => {
    const byId = new Map((list.data ?? []).map((c) => [c.id, c]));
    return {
      connectorName: (id) => byId.get(id)?.name ?? id,
      connectorIcon: (id) => byId.get(id)?.icon,
      actionName: (connector, action) => byId.get(connector)?.actions.find((a) => a.key === action)?.name ?? `${connector}.${action}`,
      triggerName: (connector, trigger) => byId.get(connector)?.triggers.find((t) => t.key === trigger)?.name ?? `${connector}.${trigger}`,
    };
  }, [list.data]);

  return { list, manifests, loading, graph, error: list.error ?? results.find((r) => r.error)?.error ?? null };
}
