import { cn } from '@/lib/cn';
import { iconSource } from '@/components/connectors/connector-icon';

/**
 * A connector's icon as a bare image (graph nodes and pickers); the catalogue's tiled version is
 * components/connectors/connector-icon. Both draw manifest markup only as an image, never inline.
 */
export function ConnectorIcon({ svg, color = '#3f3f46', className }: { svg: string; color?: string; className?: string }) {
  const src = iconSource(svg, color);
  if (!src) return null;
  // A data URL needs no optimisation: a plain img, not next/image.
  return <img src={src} alt="" aria-hidden="true" className={cn('shrink-0', className)} />;
}
