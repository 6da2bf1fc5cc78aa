/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=1 pnpm bench:flows): self time
 * by module (workspace package or npm package) and the hottest functions, so a profile can be read
 * without a browser. Usage: tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 * JSON on stdout, a table on stderr.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which module a script URL belongs to: `pkg:<npm package>`, `ws:<workspace path>`, `node:` internals, or V8. */
export function moduleOf(url: string): string {
  if (!url) return '(v8/native)';
  if (url.startsWith('node:')) return 'node:internals';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return `pkg:${pnpm[1]}`;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (plain) return `pkg:${plain[1]}`;
  const ws = /\/(apps|packages|connectors)\/([^/]+)\//.exec(url);
  if (ws) return `ws:${ws[1]}/${ws[2]}`;
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const mod = functionName === '(garbage collector)' ? '(gc)' : functionName === '(idle)' ? '(idle)' : functionName === '(program)' ? '(program)' : moduleOf(url);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|work\/main\/)/, '')}:${lineNumber + 1}` : ''}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const busy = total - (modules.get('(idle)') ?? 0);
  modules.delete('(idle)');
  functions.delete('(idle)');
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pctOfBusy: Math.round((us / busy) * 1000) / 10 }));
  return { wallMs: Math.round((profile.endTime - profile.startTime) / 1000), busyMs: Math.round(busy / 1000), modules: rank(modules), functions: rank(functions) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const summary = summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25));
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const lines = [`${file}: busy ${summary.busyMs} ms of ${summary.wallMs} ms`, '', 'self time by module:'];
  for (const m of summary.modules) lines.push(`  ${String(m.pctOfBusy).padStart(5)}%  ${String(m.ms).padStart(7)} ms  ${m.name}`);
  lines.push('', 'hottest functions (self time):');
  for (const f of summary.functions) lines.push(`  ${String(f.pctOfBusy).padStart(5)}%  ${String(f.ms).padStart(7)} ms  ${f.name}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}
