import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';

/** A flow in a list: no definitions, just what a table shows. */
export interface FlowSummaryDto {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  publishedVersion: number | null;
  trigger: { connector: string; trigger: string } | null;
  updatedAt: Date;
}

/** The tenant's flows, newest first, keyset-paginated by (updatedAt, id). */
export async function listFlows(
  db: TenantDb,
  actor: Actor,
  params: { search?: string; limit?: number; cursor?: { updatedAt: Date; id: string } },
): Promise<{ items: FlowSummaryDto[]; nextCursor: { updatedAt: Date; id: string } | null }> {
  const limit = Math.min(params.limit ?? 50, 200);
  const rows = await db.flow.findMany({
    where: {
      tenantId: actor.tenantId,
      ...(params.search ? { name: { contains: params.search, mode: 'insensitive' as const } } : {}),
      ...(params.cursor
        ? { OR: [{ updatedAt: { lt: params.cursor.updatedAt } }, { updatedAt: params.cursor.updatedAt, id: { lt: params.cursor.id } }] }
        : {}),
    },
    select: { id: true, name: true, description: true, enabled: true, publishedVersion: true, draft: true, updatedAt: true },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map(({ draft, ...r }) => {
    const t = (draft as { trigger?: { connector?: string; trigger?: string } } | null)?.trigger;
    return { ...r, trigger: t?.connector && t.trigger ? { connector: t.connector, trigger: t.trigger } : null };
  });
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null };
}
