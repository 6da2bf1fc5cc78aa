'use client';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { Check } from 'lucide-react';
import type { AppRouter } from '@/server/root';
import { cn } from '@/lib/cn';
import { useTRPC } from '@/lib/trpc';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { Skeleton } from '@/components/ui/skeleton';
import { UsageMeter, formatCount, formatPrice } from '@/components/usage/usage-meter';
import { LoadError } from '@/components/load-error';

/** "1 May" — the day the monthly count starts again, which is midnight UTC. */
function monthTurn(date: Date): string {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The limits a plan sets, as rows of the comparison (in the order people ask about them). */
const LIMIT_ROWS: { label: string; value: (plan: PlanRow) => string }[] = [
  { label: 'Runs per month', value: (p) => formatCount(p.runsPerMonth) },
  { label: 'Runs at once', value: (p) => formatCount(p.concurrentRuns) },
  { label: 'Webhook requests per second', value: (p) => `${formatCount(p.webhookRps)} (bursts of ${formatCount(p.webhookRps * 2)})` },
  { label: 'Devices', value: (p) => formatCount(p.devices) },
  { label: 'Data kept for', value: (p) => plural(p.retentionDays, 'day', 'days') },
  { label: 'Share of workers when busy', value: (p) => `${p.weight}×` },
  { label: 'Price', value: (p) => formatPrice(p.priceCents) },
];

/** A plan as usage.get lists it (with `current` marking the workspace's). */
type PlanRow = inferRouterOutputs<AppRouter>['usage']['get']['plans'][number];

/** /usage: the workspace's plan, what this month used of each limit, and the plans side by side. */
export function UsageView() {
  const trpc = useTRPC();
  // Runs start all the time: refresh while the page is open, but not so often that it matters.
  const usage = useQuery({ ...trpc.usage.get.queryOptions(), refetchInterval: 30_000 });

  return (
    <>
      <PageHeader title="Usage" description="Your plan, how much of it this month has used, and what the other plans include." />
      {usage.error ? (
        <LoadError title="Usage could not be loaded" query={usage} />
      ) : !usage.data ? (
        <div className="space-y-6" aria-busy="true" aria-label="Loading usage">
          <Skeleton className="h-48 w-full rounded-xl" />
          <Skeleton className="h-64 w-full rounded-xl" />
        </div>
      ) : (
        <div className="space-y-6">
          <QuotaBanner runs={usage.data.runs} />
          <Card>
            <CardHeader
              title={
                <span className="flex items-center gap-2">
                  {usage.data.plan.name} plan <Badge tone="accent">Current plan</Badge>
                </span>
              }
              description={`${formatPrice(usage.data.plan.priceCents)} · the run count starts again on ${monthTurn(usage.data.runs.resetsAt)} (00:00 UTC).`}
            />
            <CardBody className="grid gap-6 sm:grid-cols-2">
              <UsageMeter
                label="Runs this month"
                unit="runs"
                meter={usage.data.runs}
                detail={
                  <>
                    {usage.data.runs.percent} % used · {formatCount(usage.data.runs.headroom)} left. A run’s automatic retries do not count again.
                  </>
                }
              />
              <UsageMeter
                label="Runs at once"
                unit="runs running"
                meter={usage.data.concurrentRuns}
                detail="Running now. Further runs wait for a free place and start in arrival order."
              />
              <UsageMeter
                label="Devices"
                unit="devices"
                meter={usage.data.devices}
                detail={usage.data.devices.headroom ? `${formatCount(usage.data.devices.headroom)} more can be registered.` : 'No more devices can be registered on this plan.'}
              />
              <dl className="grid grid-cols-2 gap-4 text-[13px]">
                <Fact label="Webhook rate">
                  {formatCount(usage.data.webhookRate.perSecond)} requests/s
                  <span className="block text-xs text-zinc-500">bursts of {formatCount(usage.data.webhookRate.burst)}; over it, senders get 429 and retry</span>
                </Fact>
                <Fact label="Data kept for">
                  {plural(usage.data.retentionDays.runs, 'day', 'days')}
                  <span className="block text-xs text-zinc-500">
                    {usage.data.retentionDays.telemetry === usage.data.retentionDays.runs
                      ? 'runs and device telemetry'
                      : `runs; device telemetry ${plural(usage.data.retentionDays.telemetry, 'day', 'days')}`}
                  </span>
                </Fact>
              </dl>
            </CardBody>
          </Card>
          <PlanComparison plans={usage.data.plans} />
        </div>
      )}
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="mt-0.5 font-medium text-zinc-900">{children}</dd>
    </div>
  );
}

/** Says, where it matters, that runs wait over the monthly quota and when they will start. */
function QuotaBanner({ runs }: { runs: { used: number; limit: number; waiting: number; resetsAt: Date } }) {
  const waitingLink = (
    <Link href="/runs?status=quota_exceeded" className="font-medium underline underline-offset-2 hover:no-underline">
      See the waiting runs
    </Link>
  );
  if (runs.waiting > 0) {
    return (
      <Notice tone="error" title="Monthly run quota exceeded" action={waitingLink}>
        {runs.waiting === 1 ? '1 run is' : `${formatCount(runs.waiting)} runs are`} waiting: this month’s {formatCount(runs.limit)} runs are used. Nothing is lost — they
        start when the month turns on {monthTurn(runs.resetsAt)} or when the plan is upgraded.
      </Notice>
    );
  }
  if (runs.used >= runs.limit) {
    return (
      <Notice tone="warning" title="Monthly run quota reached">
        This month’s {formatCount(runs.limit)} runs are used. New events are still recorded; their runs wait until {monthTurn(runs.resetsAt)} or until the plan is upgraded.
      </Notice>
    );
  }
  return null;
}

function PlanComparison({ plans }: { plans: PlanRow[] }) {
  return (
    <Card className="overflow-hidden">
      <CardHeader title="Plans" description="To change plan, contact us: plans are changed by the Conflux team for now, and runs waiting over the quota start as soon as the new plan has room." />
      <div className="overflow-x-auto">
        <table className="w-full min-w-[36rem] text-left text-[13px]">
          <caption className="sr-only">Plans compared; the current plan is marked.</caption>
          <thead className="border-b border-zinc-100 bg-zinc-50/60 text-xs text-zinc-500">
            <tr>
              <th scope="col" className="px-5 py-2 font-medium">
                <span className="sr-only">Limit</span>
              </th>
              {plans.map((plan) => (
                <th key={plan.id} scope="col" className={cn('px-3 py-2 font-medium', plan.current && 'bg-indigo-50/70 text-indigo-800')} aria-current={plan.current || undefined}>
                  <span className="flex items-center gap-1.5 text-[13px] text-zinc-900">
                    {plan.name}
                    {plan.current ? (
                      <Badge tone="accent" icon={<Check className="size-3" aria-hidden="true" />}>
                        Current
                      </Badge>
                    ) : null}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {LIMIT_ROWS.map((row) => (
              <tr key={row.label}>
                <th scope="row" className="px-5 py-2.5 font-medium text-zinc-600">
                  {row.label}
                </th>
                {plans.map((plan) => (
                  <td key={plan.id} className={cn('px-3 py-2.5 text-zinc-800 tabular-nums', plan.current && 'bg-indigo-50/40 font-medium')}>
                    {row.value(plan)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
