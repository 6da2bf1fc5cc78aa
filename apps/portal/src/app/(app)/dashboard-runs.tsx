'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Activity, ArrowRight, CheckCircle2, Gauge, TriangleAlert, Workflow } from 'lucide-react';
import { cn } from '@/lib/cn';
import { errorMessage } from '@/lib/errors';
import { formatDateTime, timeAgo } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { RunChart } from '@/components/dashboard/run-chart';
import { Badge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { UsageMeter, formatCount } from '@/components/usage/usage-meter';
import { LoadError } from '@/components/load-error';

const PERIODS = [7, 14, 30, 90] as const;

function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`);

/** The run statistics of the dashboard: the chart card and the recently failed flows, for one period. */
export function DashboardRuns({ hasPublishedFlow }: { hasPublishedFlow: boolean | null }) {
  const trpc = useTRPC();
  const [days, setDays] = useState<(typeof PERIODS)[number]>(14);
  const [timeZone] = useState(browserTimeZone);
  const stats = useQuery({ ...trpc.tenant.runStats.queryOptions({ days, ...(timeZone ? { timeZone } : {}) }), placeholderData: (previous) => previous, refetchInterval: 60_000 });
  const data = stats.data;
  const empty = data && data.totals.total === 0;

  return (
    <>
      <Card>
        <CardHeader
          title="Runs"
          description={`Last ${days} days, by outcome`}
          actions={
            <div role="group" aria-label="Period" className="inline-flex rounded-lg border border-zinc-200 bg-zinc-50 p-0.5">
              {PERIODS.map((p) => (
                <button
                  key={p}
                  type="button"
                  aria-pressed={p === days}
                  onClick={() => setDays(p)}
                  className={cn(
                    'rounded-md px-2.5 py-1 text-xs font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500',
                    p === days ? 'bg-white text-zinc-900 shadow-card ring-1 ring-zinc-200' : 'text-zinc-600 hover:text-zinc-900',
                  )}
                >
                  {p} days
                </button>
              ))}
            </div>
          }
        />
        {stats.error && !data ? (
          <CardBody>
            <LoadError title="Run statistics could not be loaded" query={stats} />
          </CardBody>
        ) : !data ? (
          <CardBody className="space-y-4" aria-busy="true" aria-label="Loading run statistics">
            <div className="grid grid-cols-3 gap-3">
              {[0, 1, 2].map((i) => (
                <Skeleton key={i} className="h-14" />
              ))}
            </div>
            <Skeleton className="h-52 w-full" />
          </CardBody>
        ) : empty ? (
          hasPublishedFlow ? (
            <EmptyState
              icon={<Activity />}
              title={`No runs in the last ${days} days`}
              description="Runs appear here as soon as a published, enabled flow’s trigger fires: a webhook arrives, a schedule ticks."
              action={
                <Link href="/flows" className={buttonClasses({ variant: 'secondary' })}>
                  Open flows
                </Link>
              }
            />
          ) : (
            <EmptyState
              icon={<Workflow />}
              title="No runs yet — build your first flow"
              description="A flow moves data between your systems when something happens. Its runs, successes and failures show up here."
              action={
                <Link href="/flows" className={buttonClasses()}>
                  Build a flow
                  <ArrowRight className="size-4" aria-hidden="true" />
                </Link>
              }
            />
          )
        ) : (
          <CardBody className={cn('space-y-5 transition-opacity', stats.isFetching && stats.isPlaceholderData && 'opacity-60')}>
            <dl className="grid grid-cols-3 gap-3">
              <Figure label="Runs" value={data.totals.total.toLocaleString('en-GB')} />
              <Figure label="Failed" value={data.totals.failed.toLocaleString('en-GB')} tone={data.totals.failed ? 'bad' : 'neutral'} />
              <Figure label="Failure rate" value={percent(data.totals.failureRate)} tone={(data.totals.failureRate ?? 0) >= 0.05 ? 'bad' : 'neutral'} title="Failed runs out of finished ones (succeeded, filtered or failed)" />
            </dl>
            <RunChart days={data.series} />
          </CardBody>
        )}
      </Card>

      {data && !empty ? <RecentFailures failures={data.recentFailures} days={days} /> : null}
    </>
  );
}

function Figure({ label, value, tone = 'neutral', title }: { label: string; value: string; tone?: 'neutral' | 'bad'; title?: string }) {
  return (
    <div className="min-w-0 rounded-lg border border-zinc-100 bg-zinc-50/60 px-3 py-2.5" title={title}>
      <dt className="truncate text-xs font-medium text-zinc-500">{label}</dt>
      <dd className={cn('mt-0.5 text-xl font-semibold tracking-tight tabular-nums', tone === 'bad' ? 'text-red-600' : 'text-zinc-900')}>{value}</dd>
    </div>
  );
}

function RecentFailures({
  failures,
  days,
}: {
  failures: { flowId: string; flowName: string; runId: string; at: Date; stepKey: string | null; message: string | null; failuresInPeriod: number }[];
  days: number;
}) {
  return (
    <Card>
      <CardHeader
        title="Recently failed flows"
        description={failures.length ? 'The flows whose runs failed most recently, with the last error.' : undefined}
        actions={
          <Link href="/runs?status=failed" className="inline-flex items-center gap-1 text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
            Failed runs
            <ArrowRight className="size-3.5" aria-hidden="true" />
          </Link>
        }
      />
      {failures.length === 0 ? (
        <div className="flex items-center gap-2.5 px-5 py-4 text-[13px] text-zinc-600">
          <CheckCircle2 className="size-4 text-emerald-600" aria-hidden="true" />
          No flow failed in the last {days} days.
        </div>
      ) : (
        <ul className="divide-y divide-zinc-100">
          {failures.map((f) => (
            <li key={f.flowId} className="flex items-start gap-3 px-5 py-3">
              <TriangleAlert className="mt-0.5 size-4 shrink-0 text-red-500" aria-hidden="true" />
              <div className="min-w-0 flex-1 space-y-0.5">
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <Link href={`/flows/${f.flowId}`} className="truncate text-[13px] font-medium text-zinc-900 hover:text-indigo-700 hover:underline">
                    {f.flowName}
                  </Link>
                  <Badge tone="danger">
                    {f.failuresInPeriod} {f.failuresInPeriod === 1 ? 'failure' : 'failures'}
                  </Badge>
                </div>
                <p className="line-clamp-2 text-[13px] break-words text-zinc-600">
                  {f.stepKey ? <span className="font-mono text-xs text-zinc-500">{f.stepKey}: </span> : null}
                  {f.message ?? 'No error message was recorded.'}
                </p>
              </div>
              <div className="shrink-0 space-y-0.5 text-right">
                <time dateTime={f.at.toISOString()} title={formatDateTime(f.at)} className="block text-xs whitespace-nowrap text-zinc-500">
                  {timeAgo(f.at)}
                </time>
                <Link href={`/runs/${f.runId}`} className="text-xs font-medium whitespace-nowrap text-indigo-600 hover:text-indigo-500">
                  View run
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The plan's monthly run quota at a glance, with the way to /usage (and a warning when runs wait over it). */
export function PlanUsage() {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.get.queryOptions());
  const runs = usage.data?.runs;
  return (
    <Card>
      <CardBody className="space-y-3">
        <div className="flex items-center justify-between gap-3">
          <h2 className="text-[13px] font-medium text-zinc-600">{usage.data ? `${usage.data.plan.name} plan` : 'Plan usage'}</h2>
          <Gauge className="size-4 text-zinc-400" aria-hidden="true" />
        </div>
        {usage.error ? (
          <p className="text-[13px] text-zinc-500">{errorMessage(usage.error)}</p>
        ) : !runs ? (
          <Skeleton className="h-10 w-full" />
        ) : (
          <>
            <UsageMeter label="Runs this month" unit="runs" meter={runs} />
            {runs.waiting ? (
              <p className="text-[13px] font-medium text-red-700">
                {runs.waiting === 1 ? '1 run is' : `${formatCount(runs.waiting)} runs are`} waiting over the quota.
              </p>
            ) : null}
          </>
        )}
        <Link href="/usage" className="inline-flex items-center gap-1 text-[13px] font-medium text-indigo-600 hover:text-indigo-500">
          See usage and plans
          <ArrowRight className="size-3.5" aria-hidden="true" />
        </Link>
      </CardBody>
    </Card>
  );
}
