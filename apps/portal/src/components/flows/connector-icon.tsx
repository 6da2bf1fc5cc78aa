import { cn } from '@/lib/cn';

/**
 * A connector's inline SVG icon, drawn as an image (a data URL), so markup from a manifest can never run
 * script in the page; `currentColor` becomes the given colour since an image does not inherit it.
 */
export function ConnectorIcon({ svg, color = '#3f3f46', className }: { svg: string; color?: string; className?: string }) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.replaceAll('currentColor', color))}`;
  // A data URL needs no optimisation: a plain img, not next/image.
  return <img src={src} alt="" aria-hidden="true" className={cn('shrink-0', className)} />;
}
