'use client';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { cn } from '@/lib/cn';

/** One day of the chart. */
export interface RunDay {
  /** YYYY-MM-DD. */
  day: string;
  succeeded: number;
  failed: number;
  filtered: number;
  other: number;
  total: number;
  /** failed ÷ finished runs, or null without finished runs. */
  failureRate: number | null;
}

const COLORS = { succeeded: '#10b981', failed: '#ef4444', other: '#d4d4d8', rate: '#f59e0b', grid: '#f4f4f5', axis: '#71717a' };
const MARGIN = { top: 12, right: 40, bottom: 26, left: 36 };

/** A round upper bound for the axis and its step: 0–4 → 4, 37 → 40, 1234 → 1600. */
function niceScale(max: number, ticks = 4): { top: number; step: number } {
  const raw = Math.max(max, ticks) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return { top: step * ticks, step };
}

/** "3 Mar" for a YYYY-MM-DD day (read as a calendar date, not converted between zones). */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

function longDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`);

function summary(d: RunDay): string {
  const parts = [`${d.total} ${d.total === 1 ? 'run' : 'runs'}`, `${d.succeeded} succeeded`, `${d.failed} failed`];
  if (d.filtered + d.other) parts.push(`${d.filtered + d.other} other`);
  return `${longDay(d.day)}: ${parts.join(', ')}; failure rate ${percent(d.failureRate)}`;
}

/**
 * Runs per day as stacked bars (succeeded, other, failed) with the day's failure rate as a line on a
 * 0–100 % axis. Hand-drawn SVG: one chart does not justify a charting library. Keyboard: focus the chart
 * and use the arrow keys to read each day; screen readers also get the numbers as a table.
 */
export function RunChart({ days, height = 208, className }: { days: RunDay[]; height?: number; className?: string }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  const [active, setActive] = useState<number | null>(null);
  const labelId = useId();

  useEffect(() => {
    const node = wrapRef.current;
    if (!node) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(240, Math.floor(entry.contentRect.width)));
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  const n = days.length;
  const innerW = Math.max(1, width - MARGIN.left - MARGIN.right);
  const innerH = Math.max(1, height - MARGIN.top - MARGIN.bottom);
  const { top, step } = niceScale(Math.max(0, ...days.map((d) => d.total)));
  const band = innerW / Math.max(1, n);
  const barW = Math.max(2, Math.min(28, band * 0.64));
  const y = (v: number) => innerH - (v / top) * innerH;
  const yRate = (r: number) => innerH - r * innerH;
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(innerW / 58))));

  // The rate line breaks where a day had no finished runs.
  const segments: string[] = [];
  let current = '';
  days.forEach((d, i) => {
    const cx = band * i + band / 2;
    if (d.failureRate === null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    current += `${current ? 'L' : 'M'}${cx.toFixed(1)},${yRate(d.failureRate).toFixed(1)}`;
  });
  if (current) segments.push(current);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!n) return;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, Home: -n, End: n };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    setActive((i) => Math.min(n - 1, Math.max(0, (i ?? (move > 0 ? -1 : n)) + move)));
  }

  const shown = active !== null ? days[active] : undefined;
  const tooltipLeft = active !== null ? Math.min(Math.max(MARGIN.left + band * active + band / 2, 90), width - 90) : 0;

  return (
    <div className={cn('space-y-3', className)}>
      <div
        ref={wrapRef}
        tabIndex={0}
        role="group"
        aria-labelledby={labelId}
        onKeyDown={onKeyDown}
        onBlur={() => setActive(null)}
        onMouseLeave={() => setActive(null)}
        className="relative rounded-md focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-indigo-500"
      >
        <span id={labelId} className="sr-only">
          Runs per day and failure rate. Use the left and right arrow keys to read each day.
        </span>
        <svg width={width} height={height} aria-hidden="true" className="block max-w-full overflow-visible">
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            {[0, 1, 2, 3, 4].map((k) => (
              <g key={k}>
                <line x1={0} x2={innerW} y1={y(step * k)} y2={y(step * k)} stroke={k === 0 ? '#e4e4e7' : COLORS.grid} />
                <text x={-8} y={y(step * k)} dy="0.32em" textAnchor="end" fontSize={11} fill={COLORS.axis}>
                  {step * k >= 1000 ? `${(step * k) / 1000}k` : step * k}
                </text>
              </g>
            ))}
            {[0, 0.5, 1].map((r) => (
              <text key={r} x={innerW + 8} y={yRate(r)} dy="0.32em" fontSize={11} fill={COLORS.rate}>
                {r * 100}%
              </text>
            ))}
            {active !== null ? <rect x={band * active} y={0} width={band} height={innerH} fill="#eef2ff" /> : null}
            {days.map((d, i) => {
              const x = band * i + (band - barW) / 2;
              const parts = [
                { value: d.succeeded, color: COLORS.succeeded },
                { value: d.filtered + d.other, color: COLORS.other },
                { value: d.failed, color: COLORS.failed },
              ];
              let base = 0;
              return (
                <g key={d.day}>
                  {parts.map((p, k) => {
                    if (!p.value) return null;
                    const y0 = y(base);
                    base += p.value;
                    const y1 = y(base);
                    return <rect key={k} x={x} y={y1} width={barW} height={Math.max(1, y0 - y1)} fill={p.color} rx={base === d.total ? Math.min(3, barW / 4) : 0} />;
                  })}
                  {/* Labels count back from the last day, so today always has one. */}
                  {(n - 1 - i) % labelEvery === 0 ? (
                    <text x={band * i + band / 2} y={innerH + 17} textAnchor="middle" fontSize={11} fill={COLORS.axis}>
                      {shortDay(d.day)}
                    </text>
                  ) : null}
                  <rect x={band * i} y={0} width={band} height={innerH} fill="transparent" onMouseEnter={() => setActive(i)} />
                </g>
              );
            })}
            {segments.map((path, i) => (
              <path key={i} d={path} fill="none" stroke={COLORS.rate} strokeWidth={2} strokeLinejoin="round" strokeLinecap="round" pointerEvents="none" />
            ))}
            {days.map((d, i) =>
              d.failureRate === null ? null : <circle key={d.day} cx={band * i + band / 2} cy={yRate(d.failureRate)} r={active === i ? 4 : 2.5} fill="#fff" stroke={COLORS.rate} strokeWidth={2} pointerEvents="none" />,
            )}
          </g>
        </svg>
        {shown ? (
          <div className="pointer-events-none absolute top-0 z-10 w-44 -translate-x-1/2 rounded-lg border border-zinc-200 bg-white px-3 py-2 text-xs shadow-pop" style={{ left: tooltipLeft }}>
            <p className="mb-1 font-medium text-zinc-900">{longDay(shown.day)}</p>
            <dl className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-0.5 text-zinc-600">
              <dt>Succeeded</dt>
              <dd className="text-right text-zinc-900 tabular-nums">{shown.succeeded}</dd>
              <dt>Failed</dt>
              <dd className="text-right text-zinc-900 tabular-nums">{shown.failed}</dd>
              <dt>Other</dt>
              <dd className="text-right text-zinc-900 tabular-nums">{shown.filtered + shown.other}</dd>
              <dt>Failure rate</dt>
              <dd className="text-right text-zinc-900 tabular-nums">{percent(shown.failureRate)}</dd>
            </dl>
          </div>
        ) : null}
        <p className="sr-only" aria-live="polite">
          {shown ? summary(shown) : ''}
        </p>
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600" aria-hidden="true">
        <Legend color={COLORS.succeeded} label="Succeeded" />
        <Legend color={COLORS.failed} label="Failed" />
        <Legend color={COLORS.other} label="Filtered, queued or running" />
        <li className="flex items-center gap-1.5">
          <span className="h-0.5 w-3.5 rounded-full" style={{ background: COLORS.rate }} />
          Failure rate
        </li>
      </ul>
      <table className="sr-only">
        <caption>Runs per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Succeeded</th>
            <th scope="col">Failed</th>
            <th scope="col">Other</th>
            <th scope="col">Failure rate</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{longDay(d.day)}</th>
              <td>{d.succeeded}</td>
              <td>{d.failed}</td>
              <td>{d.filtered + d.other}</td>
              <td>{percent(d.failureRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Legend({ color, label }: { color: string; label: string }) {
  return (
    <li className="flex items-center gap-1.5">
      <span className="size-2.5 rounded-sm" style={{ background: color }} />
      {label}
    </li>
  );
}
