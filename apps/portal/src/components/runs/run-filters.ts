/** The runs list's filters and their form in the URL (shared by the page, a server component, and the list). */
import { RUN_STATUSES, type RunStatus } from './run-status';

/** Filters of the runs list, as they appear in the URL. */
export interface RunFilters {
  flowId?: string | undefined;
  status?: RunStatus[] | undefined;
  range?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  key?: string | undefined;
}

export const RANGES: { value: string; label: string; ms: number | null }[] = [
  { value: '', label: 'Any time', ms: null },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'custom', label: 'Custom range…', ms: null },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the filters from the URL's search params (unknown values dropped). */
export function filtersFromSearch(params: Record<string, string | string[] | undefined>): RunFilters {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const status = (one(params.status) ?? '').split(',').filter((s): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s));
  const flowId = one(params.flowId);
  return {
    flowId: flowId && UUID.test(flowId) ? flowId : undefined,
    status: status.length ? status : undefined,
    range: RANGES.some((r) => r.value === one(params.range)) ? one(params.range) : undefined,
    from: one(params.from),
    to: one(params.to),
    key: one(params.key)?.slice(0, 200),
  };
}

export function toSearch(filters: RunFilters): string {
  const params = new URLSearchParams();
  if (filters.flowId) params.set('flowId', filters.flowId);
  if (filters.status?.length) params.set('status', filters.status.join(','));
  if (filters.range) params.set('range', filters.range);
  if (filters.range === 'custom' && filters.from) params.set('from', filters.from);
  if (filters.range === 'custom' && filters.to) params.set('to', filters.to);
  if (filters.key) params.set('key', filters.key);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function validDate(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

