/** A flow as the API returns it. */
export interface FlowDto {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  draft: unknown;
  draftUpdatedAt: Date;
  publishedVersion: number | null;
  /** The draft differs from the published version (there is something to publish). */
  hasUnpublishedChanges: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const flowSelect = {
  id: true,
  name: true,
  description: true,
  enabled: true,
  draft: true,
  draftUpdatedAt: true,
  publishedVersion: true,
  createdAt: true,
  updatedAt: true,
  versions: { select: { version: true, definition: true }, orderBy: { version: 'desc' as const }, take: 1 },
} as const;

export function toFlowDto(row: {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  draft: unknown;
  draftUpdatedAt: Date;
  publishedVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
  versions: { version: number; definition: unknown }[];
}): FlowDto {
  const { versions, ...rest } = row;
  const published = versions.find((v) => v.version === row.publishedVersion);
  return { ...rest, hasUnpublishedChanges: !published || stableJson(published.definition) !== stableJson(row.draft) };
}

/** JSON with sorted keys, so that equal definitions compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
