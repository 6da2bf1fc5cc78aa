'use client';
import { Building2 } from 'lucide-react';
import type { Me } from '@/lib/use-me';
import { Logo } from '@/components/logo';
import { CreateWorkspaceInline } from './create-workspace';
import { UserMenu } from './user-menu';

/** Someone who belongs to no workspace (they left or were removed from all): create one to continue. */
export function NoWorkspace({ me }: { me: Me }) {
  return (
    <div className="flex min-h-dvh flex-col bg-zinc-50">
      <header className="flex h-14 items-center justify-between px-4 sm:px-6">
        <Logo />
        <UserMenu user={me.user} compact side="bottom" />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-10 pb-16 sm:pt-20">
        <div className="w-full max-w-[440px] animate-fade-in rounded-2xl border border-zinc-200 bg-white px-6 py-7 shadow-card sm:px-8">
          <div className="mb-4 flex size-10 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">
            <Building2 className="size-5" aria-hidden="true" />
          </div>
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Create your workspace</h1>
          <p className="mt-1.5 text-sm leading-6 text-zinc-600">
            You are not a member of any workspace right now. Create one to start connecting systems, or ask a teammate to invite{' '}
            <strong className="font-medium text-zinc-900">{me.user.email}</strong> to theirs.
          </p>
          <div className="mt-6">
            <CreateWorkspaceInline />
          </div>
        </div>
      </main>
    </div>
  );
}
