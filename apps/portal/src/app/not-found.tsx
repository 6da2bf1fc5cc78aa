import Link from 'next/link';
import { Compass } from 'lucide-react';
import { Logo } from '@/components/logo';
import { buttonClasses } from '@/components/ui/button';

export default function NotFound() {
  return (
    <div className="flex min-h-dvh flex-col items-center bg-zinc-50 px-4">
      <div className="pt-16 pb-10">
        <Logo />
      </div>
      <div className="w-full max-w-md rounded-2xl border border-zinc-200 bg-white px-8 py-10 text-center shadow-card">
        <div className="mx-auto mb-4 flex size-10 items-center justify-center rounded-full bg-zinc-100 text-zinc-500">
          <Compass className="size-5" aria-hidden="true" />
        </div>
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Page not found</h1>
        <p className="mt-1.5 text-sm text-zinc-600">The page you are looking for does not exist or has moved.</p>
        <Link href="/" className={buttonClasses({ className: 'mt-6' })}>
          Go to the dashboard
        </Link>
      </div>
    </div>
  );
}
