'use client';
import { useState } from 'react';
import { Eye, EyeOff } from 'lucide-react';
import { useField } from './field';
import { Input, type InputProps } from './input';

/**
 * A password input with a show/hide toggle. The toggle is named "Show"/"Hide" (not "Show password") so
 * that the field's label stays the only control named "password" on the page.
 */
export function PasswordInput(props: Omit<InputProps, 'type'>) {
  const [visible, setVisible] = useState(false);
  const field = useField();
  return (
    <div className="relative">
      <Input {...props} type={visible ? 'text' : 'password'} className="pr-10" />
      <button
        type="button"
        onClick={() => setVisible((v) => !v)}
        className="absolute top-1/2 right-1 flex size-7 -translate-y-1/2 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800"
        aria-label={visible ? 'Hide' : 'Show'}
        aria-controls={props.id ?? field?.id}
        aria-pressed={visible}
      >
        {visible ? <EyeOff className="size-4" aria-hidden="true" /> : <Eye className="size-4" aria-hidden="true" />}
      </button>
    </div>
  );
}
