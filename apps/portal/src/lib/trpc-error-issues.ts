import { TRPCClientError } from '@trpc/client';

/** Located problems of a failed call (an AppError's `issues`, e.g. which credential field is wrong), by path. */
export function issuesOf(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const issues = (error.data as { issues?: { path: string; message: string }[] | null } | undefined)?.issues ?? [];
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.split('.')[0] ?? '';
    if (key && !out[key]) out[key] = issue.message;
  }
  return out;
}
