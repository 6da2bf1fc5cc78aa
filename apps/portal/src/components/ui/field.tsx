'use client';
import { createContext, useContext, useId, type ReactNode } from 'react';
import { cn } from '@/lib/cn';

interface FieldContextValue {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
  required: boolean;
}

const FieldContext = createContext<FieldContextValue | null>(null);

/** Inside a Field, inputs pick up their id, description and invalid state from here. */
export function useField(): FieldContextValue | null {
  return useContext(FieldContext);
}

export function Label({ htmlFor, required, children, className }: { htmlFor?: string; required?: boolean; children: ReactNode; className?: string }) {
  // The marker sits outside the <label> so that the control's name is exactly the label text.
  return (
    <span className={cn('flex items-baseline gap-0.5', className)}>
      <label htmlFor={htmlFor} className="block text-[13px] font-medium text-zinc-800">
        {children}
      </label>
      {required ? (
        <span className="text-[13px] text-red-600" aria-hidden="true">
          *
        </span>
      ) : null}
    </span>
  );
}

export interface FieldProps {
  label: ReactNode;
  /** A short help text under the control. */
  hint?: ReactNode;
  /** The validation or server error; announced to screen readers when it appears. */
  error?: string | null | undefined;
  required?: boolean;
  /** Something on the right of the label row (e.g. a "Forgot password?" link). */
  aside?: ReactNode;
  id?: string;
  className?: string;
  children: ReactNode;
}

/** A label, its control, a hint and an error, wired together for assistive technology. */
export function Field({ label, hint, error, required = false, aside, id, className, children }: FieldProps) {
  const generated = useId();
  const fieldId = id ?? `f${generated.replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const hintId = hint ? `${fieldId}-hint` : undefined;
  const errorId = error ? `${fieldId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <FieldContext value={{ id: fieldId, describedBy, invalid: !!error, required }}>
      <div className={cn('space-y-1.5', className)}>
        <div className="flex items-baseline justify-between gap-3">
          <Label htmlFor={fieldId} required={required}>
            {label}
          </Label>
          {aside}
        </div>
        {children}
        {error ? (
          <p id={errorId} role="alert" className="text-[13px] text-red-600">
            {error}
          </p>
        ) : null}
        {hint ? (
          <p id={hintId} className="text-[13px] text-zinc-500">
            {hint}
          </p>
        ) : null}
      </div>
    </FieldContext>
  );
}
