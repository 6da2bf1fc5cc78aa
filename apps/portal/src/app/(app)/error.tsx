'use client';
import { ErrorPanel } from '@/components/error-panel';

export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="pt-10">
      <ErrorPanel error={error} reset={reset} />
    </div>
  );
}
