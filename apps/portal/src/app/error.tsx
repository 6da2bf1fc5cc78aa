'use client';
import { ErrorPanel } from '@/components/error-panel';

export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="flex min-h-dvh items-start justify-center bg-zinc-50 px-4 pt-24">
      <ErrorPanel error={error} reset={reset} />
    </div>
  );
}
