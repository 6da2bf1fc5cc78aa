'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CheckCircle2, X, XCircle } from 'lucide-react';
import { cn } from '@/lib/cn';

type ToastTone = 'success' | 'error' | 'info';

interface ToastItem {
  id: number;
  tone: ToastTone;
  message: string;
}

interface ToastApi {
  show(message: string, tone?: ToastTone): void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** `toast.show('Invitation sent')` — a short confirmation in the corner that goes away by itself. */
export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast must be used inside ToastProvider');
  return api;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setItems((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback((message: string, tone: ToastTone = 'success') => {
    const id = nextId.current++;
    setItems((list) => [...list.slice(-2), { id, tone, message }]);
  }, []);
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext value={api}>
      {children}
      <div aria-live="polite" role="status" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2">
        {items.map((item) => (
          <Toast key={item.id} item={item} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext>
  );
}

function Toast({ item, onDismiss }: { item: ToastItem; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(item.id), item.tone === 'error' ? 7000 : 4000);
    return () => clearTimeout(timer);
  }, [item, onDismiss]);
  return (
    <div
      className={cn(
        'pointer-events-auto flex animate-toast-in items-start gap-2.5 rounded-lg border bg-white px-3.5 py-3 text-[13px] text-zinc-800 shadow-pop',
        item.tone === 'error' ? 'border-red-200' : 'border-zinc-200',
      )}
    >
      {item.tone === 'error' ? (
        <XCircle className="mt-px size-4 shrink-0 text-red-600" aria-hidden="true" />
      ) : (
        <CheckCircle2 className={cn('mt-px size-4 shrink-0', item.tone === 'info' ? 'text-indigo-600' : 'text-emerald-600')} aria-hidden="true" />
      )}
      <p className="flex-1">{item.message}</p>
      <button
        type="button"
        onClick={() => onDismiss(item.id)}
        className="-m-1 rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
        aria-label="Dismiss notification"
      >
        <X className="size-3.5" aria-hidden="true" />
      </button>
    </div>
  );
}
