'use client';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { errorMessage } from '@/lib/errors';

/** A query that may be retried: what LoadError needs of TanStack Query's result. */
interface RetryableQuery {
  error: unknown;
  isFetching: boolean;
  refetch(): unknown;
}

/** What a page shows when its data could not be loaded: the reason, and a retry. */
export function LoadError({ title, query, className }: { title: string; query: RetryableQuery; className?: string }) {
  return (
    <Notice
      tone="error"
      title={title}
      className={className}
      action={
        <Button size="sm" variant="secondary" onClick={() => void query.refetch()} loading={query.isFetching}>
          Try again
        </Button>
      }
    >
      {errorMessage(query.error)}
    </Notice>
  );
}
