'use client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Activity, Blocks, Cpu, Gauge, KeyRound, LayoutDashboard, Menu as MenuIcon, RefreshCw, Settings, Users, Workflow, X } from 'lucide-react';
import { cn } from '@/lib/cn';
import { MeProvider, useMe, type Me } from '@/lib/use-me';
import { Logo } from '@/components/logo';
import { NoWorkspace } from './no-workspace';
import { UserMenu } from './user-menu';
import { WorkspaceSwitcher } from './workspace-switcher';

const nav = [
  { href: '/', label: 'Dashboard', icon: LayoutDashboard },
  { href: '/flows', label: 'Flows', icon: Workflow },
  { href: '/runs', label: 'Runs', icon: Activity },
  { href: '/syncs', label: 'Syncs', icon: RefreshCw },
  { href: '/connections', label: 'Connections', icon: KeyRound },
  { href: '/devices', label: 'Devices', icon: Cpu },
  { href: '/catalog', label: 'Catalogue', icon: Blocks },
  { href: '/team', label: 'Team', icon: Users },
  { href: '/usage', label: 'Usage', icon: Gauge },
  { href: '/settings', label: 'Settings', icon: Settings },
];

/** The frame of every signed-in page: sidebar (a drawer on small screens) and the page. */
export function AppShell({ initialMe, children }: { initialMe: Me; children: ReactNode }) {
  return (
    <MeProvider initial={initialMe}>
      <Shell>{children}</Shell>
    </MeProvider>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  const pathname = usePathname();
  const [drawerOpen, setDrawerOpen] = useState(false);

  // A navigation closes the drawer.
  useEffect(() => setDrawerOpen(false), [pathname]);

  if (!me.activeTenant) return <NoWorkspace me={me} />;

  const sidebar = (
    <div className="flex h-full flex-col gap-4 px-3 pb-3">
      <WorkspaceSwitcher me={me} />
      <nav aria-label="Main" className="flex-1">
        <ul className="space-y-0.5">
          {nav.map((item) => {
            const current = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
            const Icon = item.icon;
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  aria-current={current ? 'page' : undefined}
                  className={cn(
                    'flex items-center gap-2.5 rounded-lg px-2.5 py-1.5 text-[13px] font-medium transition-colors',
                    current ? 'bg-white text-zinc-900 shadow-card ring-1 ring-zinc-200' : 'text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900',
                  )}
                >
                  <Icon className={cn('size-4', current ? 'text-indigo-600' : 'text-zinc-400')} aria-hidden="true" />
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <UserMenu user={me.user} />
    </div>
  );

  return (
    <div className="min-h-dvh bg-white md:grid md:grid-cols-[15rem_1fr]">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow-pop focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>

      {/* Sidebar from tablet width up; the column keeps its colour however long the page is. */}
      <aside className="hidden border-r border-zinc-200 bg-zinc-50 md:block">
        <div className="sticky top-0 flex h-dvh flex-col">
          <div className="flex h-12 shrink-0 items-center px-5">
            <Link href="/" className="rounded-md" aria-label="Conflux home">
              <Logo />
            </Link>
          </div>
          <div className="min-h-0 flex-1">{sidebar}</div>
        </div>
      </aside>

      {/* Top bar with a drawer on phones. */}
      <div className="sticky top-0 z-30 flex h-12 items-center justify-between border-b border-zinc-200 bg-white/90 px-3 backdrop-blur md:hidden">
        <button
          type="button"
          onClick={() => setDrawerOpen(true)}
          className="rounded-md p-2 text-zinc-600 hover:bg-zinc-100"
          aria-label="Open navigation"
          aria-expanded={drawerOpen}
        >
          <MenuIcon className="size-5" aria-hidden="true" />
        </button>
        <Link href="/" className="rounded-md" aria-label="Conflux home">
          <Logo />
        </Link>
        <UserMenu user={me.user} compact side="bottom" />
      </div>
      <Drawer open={drawerOpen} onClose={() => setDrawerOpen(false)}>
        {sidebar}
      </Drawer>

      <main id="main" className="min-w-0">
        <div className="mx-auto w-full max-w-5xl px-4 py-8 sm:px-8 sm:py-10">{children}</div>
      </main>
    </div>
  );
}

/** The navigation as a modal panel from the left (native <dialog>: focus stays inside, Escape closes). */
function Drawer({ open, onClose, children }: { open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-label="Navigation"
      onClose={onClose}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      className="m-0 h-dvh max-h-dvh w-72 max-w-[85vw] border-r border-zinc-200 bg-zinc-50 p-0 shadow-pop open:animate-pop-in md:hidden"
    >
      <div className="flex h-full flex-col">
        <div className="flex h-12 shrink-0 items-center justify-between px-4">
          <Logo />
          <button type="button" onClick={onClose} className="rounded-md p-2 text-zinc-500 hover:bg-zinc-200/60" aria-label="Close navigation">
            <X className="size-4" aria-hidden="true" />
          </button>
        </div>
        <div className="min-h-0 flex-1">{children}</div>
      </div>
    </dialog>
  );
}
