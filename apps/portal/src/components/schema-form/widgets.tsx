'use client';
import { useEffect, useState, type Ref, type TextareaHTMLAttributes } from 'react';
import { Plus, X } from 'lucide-react';
import { cn } from '@/lib/cn';
import { Button } from '@/components/ui/button';
import { useField } from '@/components/ui/field';
import { controlClasses, Input } from '@/components/ui/input';

/** A multi-line text input styled like the others; inside a Field it is labelled automatically. */
export function Textarea({ className, ref, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  const field = useField();
  return (
    <textarea
      ref={ref}
      id={rest.id ?? field?.id}
      aria-describedby={field?.describedBy}
      aria-invalid={field?.invalid || undefined}
      aria-required={(rest.required ?? field?.required) || undefined}
      className={cn(controlClasses, 'min-h-20 py-2 leading-5', className)}
      {...rest}
    />
  );
}

/** A checkbox with its label beside it and an optional description below. */
export function Checkbox({
  id,
  label,
  description,
  checked,
  onChange,
  disabled,
  invalid,
}: {
  id: string;
  label: string;
  description?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  invalid?: boolean;
}) {
  return (
    <div className="flex items-start gap-2.5">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={description ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.checked)}
        className="mt-0.5 size-4 shrink-0 cursor-pointer rounded border-zinc-300 accent-indigo-600 disabled:cursor-not-allowed"
      />
      <div className="min-w-0 space-y-0.5">
        <label htmlFor={id} className="block cursor-pointer text-[13px] font-medium text-zinc-800">
          {label}
        </label>
        {description ? (
          <p id={`${id}-hint`} className="text-[13px] text-zinc-500">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A list of short texts (recipients, event types): one input per entry, add and remove buttons. */
export function StringListInput({
  id,
  label,
  value,
  onChange,
  disabled,
  placeholder,
  inputType = 'text',
}: {
  id: string;
  label: string;
  value: string[];
  onChange: (next: string[]) => void;
  disabled?: boolean;
  placeholder?: string;
  inputType?: 'text' | 'email' | 'url';
}) {
  const field = useField();
  const items = value.length ? value : [''];
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  useEffect(() => {
    if (focusIndex === null) return;
    document.getElementById(`${id}-${focusIndex}`)?.focus();
    setFocusIndex(null);
  }, [focusIndex, id]);
  const set = (index: number, text: string) => onChange(items.map((item, i) => (i === index ? text : item)));
  return (
    <div className="space-y-2" role="group" aria-label={label}>
      {items.map((item, index) => (
        <div key={index} className="flex items-center gap-2">
          <Input
            id={index === 0 ? id : `${id}-${index}`}
            type={inputType}
            value={item}
            disabled={disabled}
            placeholder={index === 0 ? placeholder : undefined}
            aria-label={index === 0 ? undefined : `${label} ${index + 1}`}
            aria-describedby={field?.describedBy}
            aria-invalid={field?.invalid || undefined}
            onChange={(event) => set(index, event.target.value)}
            onKeyDown={(event) => {
              // Enter adds an entry instead of submitting the form half-filled.
              if (event.key === 'Enter') {
                event.preventDefault();
                onChange([...items, '']);
                setFocusIndex(items.length);
              }
            }}
          />
          {items.length > 1 ? (
            <button
              type="button"
              disabled={disabled}
              onClick={() => onChange(items.filter((_, i) => i !== index))}
              className="flex size-8 shrink-0 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
              aria-label={`Remove ${label} ${index + 1}`}
            >
              <X className="size-4" aria-hidden="true" />
            </button>
          ) : null}
        </div>
      ))}
      <Button
        variant="ghost"
        size="sm"
        disabled={disabled}
        icon={<Plus className="size-3.5" aria-hidden="true" />}
        onClick={() => {
          onChange([...items, '']);
          setFocusIndex(items.length);
        }}
      >
        Add another
      </Button>
    </div>
  );
}

/** Any JSON value as text; the value changes only when the text parses, otherwise the problem is shown. */
export function JsonInput({
  id,
  value,
  onChange,
  disabled,
  onProblem,
}: {
  id: string;
  value: unknown;
  onChange: (next: unknown) => void;
  disabled?: boolean;
  onProblem: (problem: string | null) => void;
}) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  return (
    <Textarea
      id={id}
      value={text}
      disabled={disabled}
      spellCheck={false}
      rows={Math.min(10, Math.max(3, text.split('\n').length))}
      className="font-mono text-xs"
      placeholder='{ "key": "value" }'
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        if (!next.trim()) {
          onProblem(null);
          onChange(undefined);
          return;
        }
        try {
          onChange(JSON.parse(next));
          onProblem(null);
        } catch {
          onProblem('Not valid JSON yet: check quotes, commas and brackets.');
        }
      }}
    />
  );
}
