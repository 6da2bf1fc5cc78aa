/**
 * CPU time of processes from /proc (Linux): any process's user+system time, and the whole PostgreSQL
 * server's (postmaster, live backends, and backends that already exited).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // getconf is missing: Linux's usual 100 Hz
}

interface Stat {
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]), cutime: Number(fields[13]), cstime: Number(fields[14]) };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, or null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  const s = readStat(pid);
  return s ? (s.utime + s.stime) / ticksPerSecond : null;
}

/** The parent of a process. */
export function parentOf(pid: number): number | null {
  return readStat(pid)?.ppid ?? null;
}

/** CPU seconds of a process and all its direct children, including children that already exited. */
export function treeCpuSeconds(rootPid: number): number | null {
  const root = readStat(rootPid);
  if (!root) return null;
  let ticks = root.utime + root.stime + root.cutime + root.cstime;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s && s.ppid === rootPid) ticks += s.utime + s.stime;
  }
  return ticks / ticksPerSecond;
}

/** The machine's CPU model, cores and load, for the results table. */
export function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  return { model, ticksPerSecond };
}

/** CPU seconds the whole machine has been busy (all cores, every process), from /proc/stat; null off Linux. */
export function machineBusyCpuSeconds(): number | null {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: user, nice, system, irq and softirq are busy.
    const busy = [0, 1, 2, 5, 6].reduce((s, i) => s + (fields[i] ?? 0), 0);
    return busy / ticksPerSecond;
  } catch {
    return null;
  }
}
