import type { ReactNode } from 'react';
import { AlertTriangle, CheckCircle2, Info, XCircle } from 'lucide-react';
import { cn } from '@/lib/cn';

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

const tones: Record<NoticeTone, { box: string; icon: ReactNode }> = {
  info: { box: 'border-indigo-200 bg-indigo-50/70 text-indigo-900', icon: <Info className="size-4 text-indigo-600" aria-hidden="true" /> },
  success: { box: 'border-emerald-200 bg-emerald-50/70 text-emerald-900', icon: <CheckCircle2 className="size-4 text-emerald-600" aria-hidden="true" /> },
  warning: { box: 'border-amber-200 bg-amber-50/70 text-amber-900', icon: <AlertTriangle className="size-4 text-amber-600" aria-hidden="true" /> },
  error: { box: 'border-red-200 bg-red-50/70 text-red-900', icon: <XCircle className="size-4 text-red-600" aria-hidden="true" /> },
};

/** An inline message. Errors are announced (`role="alert"`), the others politely (`role="status"`). */
export function Notice({ tone = 'info', title, children, action, className }: { tone?: NoticeTone; title?: ReactNode; children?: ReactNode; action?: ReactNode; className?: string }) {
  const t = tones[tone];
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={cn('flex gap-2.5 rounded-lg border px-3 py-2.5 text-[13px] leading-5', t.box, className)}>
      <span className="mt-0.5 shrink-0">{t.icon}</span>
      <div className="min-w-0 flex-1 space-y-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={cn(title && 'opacity-90')}>{children}</div> : null}
        {action ? <div className="pt-1">{action}</div> : null}
      </div>
    </div>
  );
}
