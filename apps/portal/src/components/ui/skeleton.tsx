import { cn } from '@/lib/cn';

/** A grey placeholder while data loads. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn('animate-pulse rounded-md bg-zinc-100', className)} />;
}
