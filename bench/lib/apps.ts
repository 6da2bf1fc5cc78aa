/**
 * Starts the real gateway and worker against a benchmark database: as child processes (`node --import tsx
 * apps/<app>/src/main.ts`, configured through the environment exactly as the launcher does), or inside the
 * benchmark's own process (createGateway / startWorker, wired as their main.ts wires them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installProbe, probeStats, type ProbeStats } from './probe.ts';
import { processCpuSeconds } from './procstat.ts';
import { sleep } from './stats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const probePath = path.join(root, 'bench/lib/probe.ts');

/** A started app: its stats (CPU, round trips) and how to stop it. */
export interface BenchApp {
  name: string;
  pid: number;
  stats(): Promise<ProbeStats>;
  stop(): Promise<void>;
}

/** Environment the apps read (see apps/gateway/src/env.ts and apps/worker/src/env.ts). */
export interface AppEnv {
  appUrl: string;
  systemUrl: string;
  masterKey: string;
  smtpUrl: string;
  gatewayPort: number;
  workerConcurrency: number;
  logLevel: string;
  egressRatePerSecond?: number;
  extra?: Record<string, string>;
}

function envFor(e: AppEnv): Record<string, string> {
  return {
    DATABASE_APP_URL: e.appUrl,
    DATABASE_SYSTEM_URL: e.systemUrl,
    MASTER_KEYS: e.masterKey,
    SMTP_URL: e.smtpUrl,
    GATEWAY_PORT: String(e.gatewayPort),
    GATEWAY_HOST: '127.0.0.1',
    // The gateway's per-tenant limit (the tenant's plan: 10/s on the free plan) would otherwise be what is measured.
    WEBHOOK_RATE_PER_SECOND: '1000000',
    WEBHOOK_RATE_BURST: '1000000',
    WORKER_CONCURRENCY: String(e.workerConcurrency),
    // The receiving server is on loopback, which the egress guard refuses unless the operator allows it.
    EGRESS_ALLOW: '127.0.0.0/8',
    LOG_LEVEL: e.logLevel,
    // Production logging (JSON lines), not the development pretty-printer.
    CONFLUX_MODE: 'production',
    // The worker sets its egress budget from its own configuration: the probe's patch of the defaults does not reach it.
    ...(e.egressRatePerSecond ? { BENCH_EGRESS_RATE: String(e.egressRatePerSecond), EGRESS_RATE_PER_SECOND: String(Math.min(e.egressRatePerSecond, 100_000)) } : {}),
    ...e.extra,
  };
}

/** Starts `apps/<app>/src/main.ts` as a child process with the probe preloaded. */
export function startChild(app: 'gateway' | 'worker', e: AppEnv, options: { cpuProfDir?: string; logDir: string }): BenchApp {
  const logFile = path.join(options.logDir, `${app}.log`);
  const out = fs.openSync(logFile, 'a');
  const args = ['--import', 'tsx', '--import', probePath];
  if (options.cpuProfDir) args.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfDir, '--cpu-prof-name', `${app}-${Date.now()}.cpuprofile`);
  args.push(path.join(root, `apps/${app}/src/main.ts`));
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...envFor(e), BENCH_PROBE: '1' },
    // Logs go straight to a file: the benchmark process does not pay for reading them.
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`${app} exited unexpectedly (${code ?? signal}); see ${logFile}\n`);
  });
  let stopping = false;
  let asked = 0;
  // Never leave an app behind when the benchmark itself fails.
  process.once('exit', () => {
    if (!exited) child.kill('SIGKILL');
  });
  return {
    name: app,
    pid: child.pid!,
    stats() {
      return new Promise((resolve, reject) => {
        if (exited) return reject(new Error(`${app} is not running`));
        // Each question carries an id, so a late answer to an abandoned one is never taken for this one.
        const id = ++asked;
        const onMessage = (message: { type?: string; id?: number; stats?: ProbeStats }) => {
          if (message?.type !== 'bench:stats' || message.id !== id) return;
          child.off('message', onMessage);
          resolve(message.stats!);
        };
        child.on('message', onMessage);
        child.send({ type: 'bench:stats', id });
      });
    },
    async stop() {
      if (exited) return;
      stopping = true;
      child.kill('SIGTERM');
      await Promise.race([exit, sleep(15_000)]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}

const fromGateway = createRequire(path.join(root, 'apps/gateway/package.json'));

/** Starts the gateway and the worker inside this process (one event loop shared with the load generator). */
export async function startInProcess(e: AppEnv): Promise<{ gateway: BenchApp; worker: BenchApp }> {
  installProbe({ egressRatePerSecond: e.egressRatePerSecond });
  const pino = fromGateway('pino') as typeof import('pino').default;
  const log = pino({ level: e.logLevel, base: undefined }, pino.destination({ dest: path.join(os.tmpdir(), `conflux-bench-inprocess-${process.pid}.log`), sync: false }));
  const { createTenantGate } = await import('../../packages/db/src/tenant-gate.ts');
  const { createSystemClient } = await import('../../packages/db/src/system.ts');
  const { catalogFrom, createKeyring } = await import('../../packages/core/src/index.ts');
  const { connectors } = await import('../../packages/registry/src/index.ts');
  const { evaluateMapping } = await import('../../packages/mapping/src/index.ts');
  const { createGateway } = await import('../../apps/gateway/src/server.ts');
  const { parseWorkerConfig } = await import('../../apps/worker/src/env.ts');
  const { startWorker } = await import('../../apps/worker/src/worker.ts');

  // As apps/gateway/src/main.ts wires it.
  const gate = createTenantGate(e.appUrl, { max: 20 });
  const system = createSystemClient(e.systemUrl);
  const gw = createGateway({
    gate,
    system: system.db,
    catalog: catalogFrom(connectors),
    keyring: createKeyring([e.masterKey]),
    log,
    maxBodyBytes: 1_000_000,
    tenantRate: { perSecond: 1_000_000, burst: 1_000_000 },
    appSecrets: {},
    businessKey: async (expression, payload) => {
      const value = await evaluateMapping(expression, { trigger: payload, steps: {} }, { timeoutMs: 100 });
      return value === undefined || value === null ? null : String(value);
    },
  });
  await gw.listen(e.gatewayPort, '127.0.0.1');
  const worker = await startWorker(parseWorkerConfig(envFor(e)), log);
  const shared = async () => probeStats();
  return {
    gateway: {
      name: 'gateway',
      pid: process.pid,
      stats: shared,
      async stop() {
        await gw.close();
        await gate.close();
        await system.close();
      },
    },
    worker: { name: 'worker', pid: process.pid, stats: shared, stop: () => worker.stop() },
  };
}

/** CPU seconds of a child process from /proc (also counts what happens before the probe loads). */
export function childCpuSeconds(app: BenchApp): number | null {
  return app.pid === process.pid ? null : processCpuSeconds(app.pid);
}
