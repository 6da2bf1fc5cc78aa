'use client';
import { useEffect } from 'react';
import { TriangleAlert } from 'lucide-react';
import { Button } from '@/components/ui/button';

/** What an error boundary shows: an apology, a retry, and the error's digest for support. */
export function ErrorPanel({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.warn('[portal] page error', error.digest ?? error.message);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-md rounded-2xl border border-zinc-200 bg-white px-8 py-10 text-center shadow-card">
      <div className="mx-auto mb-4 flex size-10 items-center justify-center rounded-full bg-red-50 text-red-600">
        <TriangleAlert className="size-5" aria-hidden="true" />
      </div>
      <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Something went wrong</h1>
      <p className="mt-1.5 text-sm text-zinc-600">This page could not be shown. Try again; if it keeps happening, reload the page.</p>
      {error.digest ? <p className="mt-3 font-mono text-xs text-zinc-400">Reference: {error.digest}</p> : null}
      <Button className="mt-6" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
