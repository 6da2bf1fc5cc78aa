'use client';
import type { InputHTMLAttributes, Ref } from 'react';
import { cn } from '@/lib/cn';
import { useField } from './field';

export const controlClasses =
  'block w-full rounded-lg border border-zinc-300 bg-white px-3 text-sm text-zinc-900 shadow-card ' +
  'placeholder:text-zinc-400 transition-colors hover:border-zinc-400 ' +
  'focus:border-indigo-500 focus:outline-none focus:ring-3 focus:ring-indigo-500/20 focus-visible:outline-none ' +
  'disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 ' +
  'aria-invalid:border-red-500 aria-invalid:focus:ring-red-500/20';

export interface InputProps extends InputHTMLAttributes<HTMLInputElement> {
  ref?: Ref<HTMLInputElement>;
}

/** A text input; inside a Field it is labelled and described automatically. */
export function Input({ className, id, required, ref, ...rest }: InputProps) {
  const field = useField();
  const isRequired = required ?? field?.required;
  return (
    <input
      ref={ref}
      id={id ?? field?.id}
      aria-describedby={field?.describedBy}
      aria-invalid={field?.invalid || undefined}
      aria-required={isRequired || undefined}
      className={cn(controlClasses, 'h-9', className)}
      {...rest}
    />
  );
}
