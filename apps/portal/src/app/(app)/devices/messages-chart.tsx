/** Messages per minute over the last hour as bars (malformed ones stacked in red), in plain SVG. */
export function MessagesChart({ points }: { points: { minute: Date; messages: number; malformed: number }[] }) {
  const width = 720;
  const height = 160;
  const pad = { top: 12, right: 8, bottom: 22, left: 40 };
  const max = Math.max(1, ...points.map((p) => p.messages + p.malformed));
  const step = (width - pad.left - pad.right) / Math.max(1, points.length);
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const ticks = [0, max / 2, max].map((v) => Math.round(v));
  const time = (d: Date) => new Date(d).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="h-44 w-full" role="img" aria-label={`Messages per minute, last hour: ${points.reduce((s, p) => s + p.messages, 0)} in total`}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} className="stroke-zinc-100" />
          <text x={pad.left - 6} y={y(t) + 4} textAnchor="end" className="fill-zinc-400 text-[10px]">
            {t}
          </text>
        </g>
      ))}
      {points.map((p, i) => {
        const x = pad.left + i * step + 1;
        const w = Math.max(1, step - 2);
        return (
          <g key={new Date(p.minute).getTime()}>
            <title>{`${time(p.minute)}: ${p.messages} messages${p.malformed ? `, ${p.malformed} malformed` : ''}`}</title>
            {p.messages ? <rect x={x} y={y(p.messages)} width={w} height={y(0) - y(p.messages)} rx={1.5} className="fill-indigo-500" /> : null}
            {p.malformed ? <rect x={x} y={y(p.messages + p.malformed)} width={w} height={y(0) - y(p.malformed)} rx={1.5} className="fill-red-500" /> : null}
          </g>
        );
      })}
      {points.length ? (
        <>
          <text x={pad.left} y={height - 6} className="fill-zinc-400 text-[10px]">
            {time(points[0]!.minute)}
          </text>
          <text x={width - pad.right} y={height - 6} textAnchor="end" className="fill-zinc-400 text-[10px]">
            {time(points[points.length - 1]!.minute)}
          </text>
        </>
      ) : null}
    </svg>
  );
}
