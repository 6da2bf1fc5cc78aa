import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { FileText, Inbox, RefreshCw, Search } from 'lucide-react';
import { listDevMail, type DevMailDto } from '@conflux/core/identity';
import { getServices } from '@/server/services';
import { Logo } from '@/components/logo';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export const metadata: Metadata = { title: 'Dev mailbox', robots: { index: false } };
export const dynamic = 'force-dynamic';

/**
 * The local mail catcher's inbox, for development only: with the catcher off this page does not exist.
 * Mail HTML is shown in a sandboxed frame (no scripts, opaque origin); its links are also listed as
 * ordinary links on the page so they can be followed in this tab.
 */
export default async function DevMailboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const services = getServices();
  if (!services.config.mailCatcher) notFound();
  const params = await searchParams;
  const to = typeof params.to === 'string' ? params.to.trim().slice(0, 254) : '';
  const mails = await listDevMail(services.system.db, { to: to || undefined, take: 50 });
  const here = to ? `/dev/mailbox?to=${encodeURIComponent(to)}` : '/dev/mailbox';

  return (
    <div className="min-h-dvh bg-zinc-50">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <div className="flex items-center gap-3">
            <Link href="/" className="rounded-md">
              <Logo />
            </Link>
            <Badge tone="warning">Development</Badge>
          </div>
          <Link href={here} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
            <RefreshCw className="size-3.5" aria-hidden="true" />
            Refresh
          </Link>
        </div>
      </header>

      <main className="mx-auto max-w-4xl space-y-6 px-4 py-8 sm:px-6">
        <div className="space-y-1">
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Dev mailbox</h1>
          <p className="text-sm text-zinc-600">
            Emails caught by the local mail catcher instead of being delivered. Newest first; they arrive a few seconds after being sent.
          </p>
        </div>

        <form method="get" action="/dev/mailbox" className="flex flex-wrap items-end gap-2" role="search">
          <div className="min-w-0 flex-1 space-y-1.5">
            <label htmlFor="mailbox-to" className="block text-[13px] font-medium text-zinc-800">
              Recipient
            </label>
            <div className="relative">
              <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
              <input
                id="mailbox-to"
                name="to"
                type="search"
                defaultValue={to}
                placeholder="Filter by email address"
                className="block h-9 w-full rounded-lg border border-zinc-300 bg-white pr-3 pl-9 text-sm shadow-card placeholder:text-zinc-400 focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 focus:outline-none"
              />
            </div>
          </div>
          <button type="submit" className={buttonClasses({ variant: 'primary' })}>
            Filter
          </button>
          {to ? (
            <Link href="/dev/mailbox" className={buttonClasses({ variant: 'ghost' })}>
              Clear
            </Link>
          ) : null}
        </form>

        <p className="text-[13px] text-zinc-500" aria-live="polite">
          {mails.length === 0 ? 'No emails' : `${mails.length} email${mails.length === 1 ? '' : 's'}`}
          {to ? ` to addresses matching “${to}”` : ''}
          {mails.length === 50 ? ' (showing the newest 50)' : ''}
        </p>

        {mails.length === 0 ? (
          <div className="rounded-xl border border-dashed border-zinc-300 bg-white">
            <EmptyState
              icon={<Inbox />}
              title={to ? `No emails to ${to} yet` : 'No emails caught yet'}
              description="Sign up, invite a teammate or request a password reset: the email shows up here once the worker has sent it. Use Refresh to check again."
            />
          </div>
        ) : (
          <ol className="space-y-4">
            {mails.map((mail) => (
              <li key={mail.id}>
                <MailCard mail={mail} />
              </li>
            ))}
          </ol>
        )}
      </main>
    </div>
  );
}

function MailCard({ mail }: { mail: DevMailDto }) {
  const links = linksOf(mail);
  return (
    <article data-testid="dev-mail" aria-labelledby={`mail-${mail.id}`} className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-card">
      <header className="space-y-1.5 border-b border-zinc-100 px-5 py-4">
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <h2 id={`mail-${mail.id}`} className="text-[15px] font-semibold text-zinc-900">
            {mail.subject}
          </h2>
          <time dateTime={mail.receivedAt.toISOString()} title={mail.receivedAt.toISOString()} className="text-[13px] whitespace-nowrap text-zinc-500">
            {mail.receivedAt.toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' })}
          </time>
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-[13px]">
          <dt className="text-zinc-500">To</dt>
          <dd className="break-all text-zinc-800">{mail.to}</dd>
          <dt className="text-zinc-500">From</dt>
          <dd className="break-all text-zinc-800">{mail.from}</dd>
        </dl>
      </header>

      {links.length > 0 ? (
        <div className="space-y-1.5 border-b border-zinc-100 bg-indigo-50/40 px-5 py-3">
          <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Links in this email</p>
          <ul className="space-y-1">
            {links.map((link) => (
              <li key={link.url} className="text-[13px]">
                {link.label ? <span className="mr-1.5 font-medium text-zinc-700">{link.label}:</span> : null}
                <a href={link.url} className="break-all text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:text-indigo-600 hover:decoration-indigo-500">
                  {link.url}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {mail.html ? (
        <iframe
          title={`Email: ${mail.subject}`}
          srcDoc={withLinkTarget(mail.html)}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerPolicy="no-referrer"
          loading="lazy"
          className="block h-[420px] w-full border-0 bg-white"
        />
      ) : null}

      {mail.text ? (
        <details className="group border-t border-zinc-100" open={!mail.html}>
          <summary className="flex cursor-pointer items-center gap-1.5 px-5 py-2.5 text-[13px] font-medium text-zinc-600 select-none hover:text-zinc-900">
            <FileText className="size-3.5 text-zinc-400" aria-hidden="true" />
            Plain-text version
          </summary>
          <pre className="overflow-x-auto px-5 pb-4 font-mono text-xs leading-5 whitespace-pre-wrap text-zinc-700">{mail.text}</pre>
        </details>
      ) : null}
    </article>
  );
}

/** Links open in a new tab from inside the sandboxed frame (it may not navigate itself or the page). */
function withLinkTarget(html: string): string {
  const base = '<base target="_blank">';
  return /<head[^>]*>/i.test(html) ? html.replace(/<head([^>]*)>/i, `<head$1>${base}`) : `${base}${html}`;
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (value: string) => value.replace(/&(amp|lt|gt|quot|#39);/g, (m) => entities[m] ?? m);

/** The http(s) links of a mail: the HTML's anchors with their labels, else the URLs in the text. */
function linksOf(mail: DevMailDto): { url: string; label: string | null }[] {
  const found = new Map<string, string | null>();
  if (mail.html) {
    for (const match of mail.html.matchAll(/<a\b[^>]*\bhref="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi)) {
      const url = decode(match[1]!);
      const label = decode(match[2]!.replace(/<[^>]+>/g, '')).trim();
      if (/^https?:\/\//i.test(url) && !found.has(url)) found.set(url, label || null);
    }
  }
  for (const match of (mail.text ?? '').matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const url = match[0].replace(/[.,;:)]+$/, '');
    if (!found.has(url)) found.set(url, null);
  }
  return [...found].map(([url, label]) => ({ url, label }));
}
