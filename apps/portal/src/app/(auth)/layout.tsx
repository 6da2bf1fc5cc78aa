import type { ReactNode } from 'react';
import Link from 'next/link';
import { Logo } from '@/components/logo';

/** Sign-in, sign-up, password and invitation pages: one calm centred column. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="relative flex min-h-dvh flex-col bg-zinc-50">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-0 h-72 bg-[radial-gradient(60%_100%_at_50%_0%,rgb(99_102_241/0.10),transparent)]"
      />
      <header className="relative flex justify-center px-6 pt-12 pb-8 sm:pt-16">
        <Link href="/" className="rounded-md" aria-label="Conflux home">
          <Logo />
        </Link>
      </header>
      <main className="relative flex flex-1 justify-center px-4 pb-12">
        <div className="w-full max-w-[420px]">{children}</div>
      </main>
      <footer className="relative pb-8 text-center text-xs text-zinc-400">© Conflux · Integration platform</footer>
    </div>
  );
}
