'use client';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Activity, ArrowRight, Check, Mail, Users } from 'lucide-react';
import { describeActivity } from '@/lib/activity';
import { cn } from '@/lib/cn';
import { formatDateTime, timeAgo } from '@/lib/format';
import { canManage } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { useMe } from '@/lib/use-me';
import { PageHeader } from '@/components/shell/page-header';
import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { DashboardRuns, PlanUsage } from './dashboard-runs';
import { LoadError } from '@/components/load-error';

export function DashboardView() {
  const trpc = useTRPC();
  const me = useMe();
  const dashboard = useQuery(trpc.tenant.dashboard.queryOptions());
  const members = useQuery(trpc.team.members.queryOptions());
  const firstName = me.user.name.split(' ')[0] || me.user.name;
  const tenantName = dashboard.data?.tenantName ?? me.activeTenant?.name ?? '';
  // Once a workspace has a connection and a published flow, its runs matter more than the checklist.
  const setupDone = !!dashboard.data && dashboard.data.connectionCount > 0 && dashboard.data.publishedFlowCount > 0;

  return (
    <>
      <PageHeader title={`Welcome, ${firstName}`} description={<>Here is where things stand in {tenantName}.</>} />

      {dashboard.error ? (
        <LoadError title="The dashboard could not be loaded" query={dashboard} />
      ) : (
        <div className="grid gap-6 lg:grid-cols-3">
          <div className="min-w-0 space-y-6 lg:col-span-2">
            {setupDone ? <DashboardRuns hasPublishedFlow={dashboard.data ? dashboard.data.publishedFlowCount > 0 : null} /> : null}
            <GetStarted
              emailVerified={me.user.emailVerified}
              teamStarted={dashboard.data ? dashboard.data.memberCount > 1 || dashboard.data.pendingInvitations > 0 : null}
              canInvite={canManage(me.activeTenant?.role)}
              connections={dashboard.data?.connectionCount ?? null}
              publishedFlows={dashboard.data?.publishedFlowCount ?? null}
              flows={dashboard.data?.flowCount ?? null}
            />
            {setupDone ? null : <DashboardRuns hasPublishedFlow={dashboard.data ? dashboard.data.publishedFlowCount > 0 : null} />}
            <RecentActivity
              loading={dashboard.isPending}
              entries={dashboard.data?.recentActivity ?? []}
              nameOf={(userId) => members.data?.find((m) => m.userId === userId)?.name}
            />
          </div>
          <div className="order-first grid grid-cols-2 gap-4 lg:order-none lg:grid-cols-1 lg:content-start">
            <Stat
              label="Members"
              value={dashboard.data?.memberCount}
              icon={<Users />}
              href="/team"
              linkLabel="See all members"
            />
            <Stat
              label="Pending invitations"
              value={dashboard.data?.pendingInvitations}
              icon={<Mail />}
              href="/team#invitations"
              linkLabel="See invitations"
            />
            <div className="col-span-2 lg:col-span-1">
              <PlanUsage />
            </div>
          </div>
        </div>
      )}
    </>
  );
}

function Stat({ label, value, icon, href, linkLabel }: { label: string; value: number | undefined; icon: ReactNode; href: string; linkLabel: string }) {
  return (
    <Card>
      <CardBody className="space-y-3">
        <div className="flex items-center justify-between">
          <p className="text-[13px] font-medium text-zinc-600">{label}</p>
          <span className="text-zinc-400 [&_svg]:size-4" aria-hidden="true">
            {icon}
          </span>
        </div>
        {value === undefined ? <Skeleton className="h-8 w-12" /> : <p className="text-3xl font-semibold tracking-tight text-zinc-900 tabular-nums">{value}</p>}
        <Link href={href} className="inline-flex items-center gap-1 text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
          {linkLabel}
          <ArrowRight className="size-3.5" aria-hidden="true" />
        </Link>
      </CardBody>
    </Card>
  );
}

interface Step {
  title: string;
  description: string;
  state: 'done' | 'todo' | 'soon' | 'loading';
  action?: ReactNode;
}

function stepLink(href: string, label: string) {
  return (
    <Link href={href} className="inline-flex items-center gap-1 text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
      {label}
      <ArrowRight className="size-3.5" aria-hidden="true" />
    </Link>
  );
}

function GetStarted({
  emailVerified,
  teamStarted,
  canInvite,
  connections,
  publishedFlows,
  flows,
}: {
  emailVerified: boolean;
  teamStarted: boolean | null;
  canInvite: boolean;
  connections: number | null;
  publishedFlows: number | null;
  flows: number | null;
}) {
  const steps: Step[] = [
    { title: 'Create your workspace', description: 'Your workspace holds your team, connections and flows.', state: 'done' },
    {
      title: 'Verify your email',
      description: emailVerified ? 'Your address is confirmed.' : 'Open the link we emailed you to confirm your address.',
      state: emailVerified ? 'done' : 'todo',
    },
    {
      title: 'Invite a teammate',
      description: canInvite
        ? 'Integrations are a team sport: bring in the people who own the systems you connect.'
        : 'Ask an owner or admin of this workspace to invite your teammates.',
      state: teamStarted === null ? 'loading' : teamStarted ? 'done' : 'todo',
      action:
        teamStarted === false ? (
          <Link href="/team" className="inline-flex items-center gap-1 text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
            {canInvite ? 'Invite people' : 'Open Team'}
            <ArrowRight className="size-3.5" aria-hidden="true" />
          </Link>
        ) : undefined,
    },
    {
      title: 'Connect your first system',
      description: connections
        ? `${connections} ${connections === 1 ? 'connection is' : 'connections are'} ready for your flows.`
        : 'Add the credentials of an app you use, such as your CRM or payments, once; every flow can reuse them.',
      state: connections === null ? 'loading' : connections > 0 ? 'done' : 'todo',
      action: connections === 0 ? stepLink('/catalog', 'Browse the catalogue') : undefined,
    },
    {
      title: 'Build your first flow',
      description: publishedFlows
        ? `${publishedFlows} ${publishedFlows === 1 ? 'flow is' : 'flows are'} published.`
        : flows
          ? 'You have a draft: publish it to let it run.'
          : 'Pick a trigger, add steps and map fields between systems; Conflux runs it and retries failures.',
      state: publishedFlows === null ? 'loading' : publishedFlows > 0 ? 'done' : 'todo',
      action: publishedFlows === 0 ? stepLink('/flows', flows ? 'Open your flows' : 'Build a flow') : undefined,
    },
  ];
  const done = steps.filter((s) => s.state === 'done').length;
  const actionable = steps.filter((s) => s.state !== 'soon').length;

  return (
    <Card>
      <CardHeader
        title="Get started"
        description={done === actionable ? 'All set: your workspace is connected and running.' : `${done} of ${actionable} steps done`}
        actions={
          <div
            className="h-1.5 w-28 overflow-hidden rounded-full bg-zinc-100"
            role="progressbar"
            aria-label="Setup progress"
            aria-valuemin={0}
            aria-valuemax={actionable}
            aria-valuenow={done}
          >
            <div className="h-full rounded-full bg-indigo-600 transition-all" style={{ width: `${(done / actionable) * 100}%` }} />
          </div>
        }
      />
      <ol className="divide-y divide-zinc-100">
        {steps.map((step) => (
          <li key={step.title} className="flex gap-3.5 px-5 py-3.5">
            <StepMark state={step.state} />
            <div className="min-w-0 flex-1 space-y-0.5">
              <div className="flex flex-wrap items-center gap-2">
                <p className={cn('text-sm font-medium', step.state === 'done' ? 'text-zinc-500' : step.state === 'soon' ? 'text-zinc-600' : 'text-zinc-900')}>
                  {step.title}
                  {step.state === 'done' ? <span className="sr-only"> (done)</span> : null}
                </p>
                {step.state === 'soon' ? <Badge tone="neutral">Available soon</Badge> : null}
              </div>
              <p className="text-[13px] text-zinc-500">{step.description}</p>
              {step.action ? <div className="pt-1">{step.action}</div> : null}
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function StepMark({ state }: { state: Step['state'] }) {
  if (state === 'done') {
    return (
      <span className="mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white" aria-hidden="true">
        <Check className="size-3" strokeWidth={3} />
      </span>
    );
  }
  if (state === 'loading') return <Skeleton className="mt-0.5 size-5 shrink-0 rounded-full" />;
  return (
    <span
      className={cn('mt-0.5 size-5 shrink-0 rounded-full border-2', state === 'soon' ? 'border-dashed border-zinc-300' : 'border-zinc-300')}
      aria-hidden="true"
    />
  );
}

function RecentActivity({
  loading,
  entries,
  nameOf,
}: {
  loading: boolean;
  entries: { id: string; action: string; target: string | null; actorName: string | null; at: Date }[];
  nameOf: (userId: string) => string | undefined;
}) {
  return (
    <Card>
      <CardHeader title="Recent activity" description="Changes to this workspace, newest first." />
      {loading ? (
        <div className="space-y-4 px-5 py-4" aria-busy="true" aria-label="Loading activity">
          {[0, 1, 2].map((i) => (
            <div key={i} className="flex items-center gap-3">
              <Skeleton className="size-7 rounded-full" />
              <Skeleton className="h-4 flex-1" />
            </div>
          ))}
        </div>
      ) : entries.length === 0 ? (
        <EmptyState icon={<Activity />} title="No activity yet" description="Invitations, role changes and renames will show up here." />
      ) : (
        <ul className="divide-y divide-zinc-100">
          {entries.map((entry) => {
            const actor = entry.actorName ?? 'Someone';
            return (
              <li key={entry.id} className="flex items-start gap-3 px-5 py-3">
                <Avatar name={actor} size="sm" className="mt-0.5" />
                <p className="min-w-0 flex-1 text-[13px] text-zinc-700">
                  <span className="font-medium text-zinc-900">{actor}</span> {describeActivity(entry, nameOf)}
                </p>
                <time dateTime={entry.at.toISOString()} title={formatDateTime(entry.at)} className="shrink-0 text-xs whitespace-nowrap text-zinc-500">
                  {timeAgo(entry.at)}
                </time>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
