/**
 * What executing a run needs (RunDeps), built from a WorkerConfig the way apps/worker/src/worker.ts builds
 * it for its dispatcher: the same tenant gate size, connector catalogue, keyring, egress path (allowed
 * ranges, per-connection rate budget), host resolver and mapping evaluator. For a benchmark that executes
 * runs with another queue in front (plain graphile-worker jobs) and must do exactly the worker's per-run work.
 */
import type { WorkerConfig } from '../../apps/worker/src/env.ts';
import { catalogFrom, createKeyring, executeRun, type RunDeps, type RunOutcome } from '../../packages/core/src/index.ts';
import { createTenantGate } from '../../packages/db/src/tenant-gate.ts';
import { createEgress, createHostResolver } from '../../packages/egress/src/index.ts';
import { evaluateMapping } from '../../packages/mapping/src/index.ts';
import { connectors } from '../../packages/registry/src/index.ts';

/** The worker's run executor outside the worker. */
export interface BenchRunExecutor {
  deps: RunDeps;
  execute(job: { tenantId: string; runId: string }): Promise<RunOutcome>;
  close(): Promise<void>;
}

export function createRunExecutor(config: WorkerConfig, log: import('pino').Logger): BenchRunExecutor {
  const gate = createTenantGate(config.appDatabaseUrl, { max: config.concurrency * 2 + 4 });
  const egress = createEgress({ allow: config.egressAllow, rate: { perSecond: config.egressRatePerSecond, burst: config.egressRatePerSecond * 2, maxQueueMs: 2_000 } });
  const resolveHost = createHostResolver({ allow: config.egressAllow });
  const deps: RunDeps = {
    gate,
    catalog: catalogFrom(connectors),
    keyring: createKeyring(config.masterKeys),
    log: {
      debug: (m, d) => log.debug(d ?? {}, m),
      info: (m, d) => log.info(d ?? {}, m),
      warn: (m, d) => log.warn(d ?? {}, m),
      error: (m, d) => log.error(d ?? {}, m),
    },
    allowPrivateNetwork: config.egressAllow.length > 0,
    retry: config.runMaxAttempts ? { maxAttempts: config.runMaxAttempts } : undefined,
    evaluate: (expression, input) => evaluateMapping(expression, input as never),
    resolveHost,
    fetchFor: ({ hosts, connectionKey }) =>
      ((input: string | URL | Request, init?: RequestInit) => egress.fetch(input, { ...init, connectionKey, allowedHosts: hosts })) as typeof fetch,
  };
  return {
    deps,
    execute: (job) => executeRun(job, deps),
    async close() {
      await egress.close();
      await gate.close();
    },
  };
}
