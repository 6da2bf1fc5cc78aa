import { cn } from '@/lib/cn';
import { Avatar } from '@/components/ui/avatar';

const sizes = { sm: 'size-7 rounded-md p-1', md: 'size-10 rounded-lg p-1.5', lg: 'size-12 rounded-xl p-2' } as const;

/** The image source of a manifest icon: an inline SVG (as a data URL) or a data: image URL; null otherwise. */
export function iconSource(icon: string | undefined | null, color = '#3f3f46'): string | null {
  if (!icon) return null;
  const text = icon.trim();
  if (/^data:image\/(svg\+xml|png|jpeg|webp|gif)[;,]/i.test(text)) return text;
  // `currentColor` means nothing inside an image: give strokes the tile's ink colour instead.
  if (text.startsWith('<svg')) return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text.replaceAll('currentColor', color))}`;
  return null;
}

/**
 * A connector's icon on a light tile. Manifest icons are drawn as images (an SVG in an <img> cannot run
 * script or reach into the page), never as inline markup; a connector without one gets its initials.
 */
export function ConnectorIcon({ icon, name, size = 'md', className }: { icon?: string | null; name: string; size?: keyof typeof sizes; className?: string }) {
  const src = iconSource(icon);
  if (!src) return <Avatar name={name} square size={size === 'sm' ? 'sm' : size === 'md' ? 'lg' : 'lg'} className={className} />;
  return (
    <span aria-hidden="true" className={cn('flex shrink-0 items-center justify-center border border-zinc-200 bg-white shadow-card', sizes[size], className)}>
      {/* A data URL needs no optimisation: a plain img, not next/image. */}
      <img src={src} alt="" className="size-full object-contain" />
    </span>
  );
}
