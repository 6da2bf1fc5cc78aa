import type { TenantDb } from '@conflux/db';
import type { Actor } from '../tenants/actor.ts';
import { stableJson } from './flow-dto.ts';

/** A flow in a list: no definitions, just what a table shows. */
export interface FlowSummaryDto {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  publishedVersion: number | null;
  /** The draft differs from the published version (or nothing is published yet). */
  hasUnpublishedChanges: boolean;
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
    select: {
      id: true,
      name: true,
      description: true,
      enabled: true,
      publishedVersion: true,
      draft: true,
      updatedAt: true,
      // The latest version is the published one (publishing always adds the next number).
      versions: { select: { version: true, definition: true }, orderBy: { version: 'desc' }, take: 1 },
    },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map(({ draft, versions, ...r }) => {
    const t = (draft as { trigger?: { connector?: string; trigger?: string } } | null)?.trigger;
    const published = versions.find((v) => v.version === r.publishedVersion);
    return {
      ...r,
      hasUnpublishedChanges: !published || stableJson(published.definition) !== stableJson(draft),
      trigger: t?.connector && t.trigger ? { connector: t.connector, trigger: t.trigger } : null,
    };
  });
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null };
}
