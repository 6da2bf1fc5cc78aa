import { cn } from '@/lib/cn';

const palettes = [
  'bg-indigo-100 text-indigo-700',
  'bg-sky-100 text-sky-700',
  'bg-emerald-100 text-emerald-700',
  'bg-amber-100 text-amber-800',
  'bg-rose-100 text-rose-700',
  'bg-violet-100 text-violet-700',
  'bg-teal-100 text-teal-700',
];

/** Up to two initials of a name (or of an email's local part). */
export function initialsOf(name: string): string {
  const words = name.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [words[0]?.[0], words[0]?.[1]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

function paletteOf(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return palettes[hash % palettes.length]!;
}

/** Initials in a tinted circle; the colour stays the same for the same person. */
export function Avatar({ name, seed, size = 'md', square = false, className }: { name: string; seed?: string; size?: 'sm' | 'md' | 'lg'; square?: boolean; className?: string }) {
  const sizes = { sm: 'size-6 text-[10px]', md: 'size-8 text-xs', lg: 'size-10 text-sm' };
  return (
    <span
      aria-hidden="true"
      className={cn(
        'inline-flex shrink-0 items-center justify-center font-semibold select-none',
        square ? 'rounded-md' : 'rounded-full',
        sizes[size],
        paletteOf(seed ?? name),
        className,
      )}
    >
      {initialsOf(name)}
    </span>
  );
}
