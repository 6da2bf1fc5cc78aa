import { cn } from '@/lib/cn';

/** The Conflux mark: two brackets meeting in the middle. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={cn('size-7', className)} aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#4f46e5" />
      <path d="M9 11.5c0-1.4 1.1-2.5 2.5-2.5h3v4h-3v6h3v4h-3A2.5 2.5 0 0 1 9 20.5z" fill="#fff" />
      <path d="M23 11.5c0-1.4-1.1-2.5-2.5-2.5h-3v4h3v6h-3v4h3a2.5 2.5 0 0 0 2.5-2.5z" fill="#c7d2fe" />
    </svg>
  );
}

export function Logo({ className }: { className?: string }) {
  return (
    <span className={cn('inline-flex items-center gap-2 text-[15px] font-semibold tracking-tight text-zinc-900', className)}>
      <LogoMark />
      Conflux
    </span>
  );
}
