import type { ReactNode } from 'react';

/** The card every public page sits in: an optional icon, a heading, a lead, the content and a footer line. */
export function AuthCard({
  icon,
  title,
  description,
  children,
  footer,
  className,
}: {
  icon?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  className?: string;
}) {
  return (
    <div className={className}>
      <div className="rounded-2xl border border-zinc-200 bg-white px-6 py-7 shadow-card sm:px-8">
        {icon ? (
          <div className="mb-4 flex size-10 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 [&_svg]:size-5">{icon}</div>
        ) : null}
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{title}</h1>
        {description ? <div className="mt-1.5 text-sm leading-6 text-zinc-600">{description}</div> : null}
        {children ? <div className="mt-6">{children}</div> : null}
      </div>
      {footer ? <div className="mt-5 text-center text-sm text-zinc-600">{footer}</div> : null}
    </div>
  );
}
