'use client';
import type { Ref, SelectHTMLAttributes } from 'react';
import { ChevronDown } from 'lucide-react';
import { cn } from '@/lib/cn';
import { useField } from './field';
import { controlClasses } from './input';

export interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  ref?: Ref<HTMLSelectElement>;
  wrapperClassName?: string;
}

/** A native select (keyboard and screen readers for free), styled like the inputs. */
export function Select({ className, wrapperClassName, id, ref, children, ...rest }: SelectProps) {
  const field = useField();
  return (
    <div className={cn('relative', wrapperClassName)}>
      <select
        ref={ref}
        id={id ?? field?.id}
        aria-describedby={field?.describedBy}
        aria-invalid={field?.invalid || undefined}
        className={cn(controlClasses, 'h-9 cursor-pointer appearance-none pr-8', className)}
        {...rest}
      >
        {children}
      </select>
      <ChevronDown className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-zinc-500" aria-hidden="true" />
    </div>
  );
}
