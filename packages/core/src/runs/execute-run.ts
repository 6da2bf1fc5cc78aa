import type { TenantDb, TenantGate } from '@conflux/db';
import type { ConnectorLogger } from '@conflux/connector-sdk';
import { backoffMs, defaultRetryPolicy, executeFlow, type ClassifiedError, type Evaluate, type FlowDefinition, type RetryPolicy } from '@conflux/engine';
import type { ConnectorCatalog } from '../connections/catalog.ts';
import type { Keyring } from '../connections/keyring.ts';
import { connectionCredentials } from '../connections/connection-credentials.ts';
import { connectionStore } from '../connections/connection-store.ts';
import { MAX_STEP_OUTPUT_BYTES } from './limits.ts';
import { DEVICE_CONNECTORS, deviceCommandsFor } from '../devices/device-commands-service.ts';

/** What executing a run needs from the worker. */
export interface RunDeps {
  gate: TenantGate;
  catalog: ConnectorCatalog;
  keyring: Keyring;
  evaluate: Evaluate;
  /** The guarded fetch for a connector's calls (its allowed hosts, the connection's rate budget). */
  fetchFor(params: { hosts: string[]; connectionKey: string }): typeof fetch;
  /** Resolves a host to one address the egress policy allows, for connectors with their own sockets (SQL). */
  resolveHost?(host: string): Promise<string>;
  log: ConnectorLogger;
  /** Overrides of the engine's retry policy (e.g. fewer attempts). */
  retry?: Partial<RetryPolicy>;
  /** The operator allows private addresses (EGRESS_ALLOW is set): connectors with their own sockets (SMTP) may reach them. */
  allowPrivateNetwork?: boolean;
  /** How long one attempt may take before it is aborted and retried. */
  attemptTimeoutMs?: number;
}


/** Why executeRun returned. */
export type RunOutcome = 'succeeded' | 'filtered' | 'failed' | 'retrying' | 'skipped';

function jsonSafe(value: unknown): object | null {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as object);
}

/**
 * Executes or resumes one run: loads it inside the tenant gate (the tenant named by the job must own the
 * run, or nothing happens), runs the remaining steps with a checkpoint per step, then records the outcome:
 * done, dead-lettered with a readable reason, or re-queued after a backoff.
 */
export async function executeRun(job: { tenantId: string; runId: string }, deps: RunDeps): Promise<RunOutcome> {
  const { gate } = deps;
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...deps.retry };
  // One statement marks the run as started and reads what executing it needs (definition, trigger payload,
  // the checkpoints of steps that already succeeded): runs are the hot path, every round trip counts.
  const [loaded] = await gate.withTenant(job.tenantId, (db) =>
    db.$queryRaw<{ id: string; flowId: string; attempt: number; replayOfId: string | null; definition: unknown; payload: unknown; steps: { stepKey: string; output: unknown }[] }[]>`
      WITH started AS (
        UPDATE run SET status = 'running', attempt = attempt + 1, started_at = now(), next_attempt_at = NULL
         WHERE id = ${job.runId}::uuid AND tenant_id = ${job.tenantId}::uuid
           AND status NOT IN ('succeeded', 'failed', 'filtered', 'cancelled', 'quota_exceeded')
        RETURNING id, flow_id, flow_version_id, event_id, attempt, replay_of_id
      )
      SELECT s.id, s.flow_id AS "flowId", s.attempt, s.replay_of_id AS "replayOfId", v.definition, e.payload,
             coalesce((SELECT json_agg(json_build_object('stepKey', st.step_key, 'output', st.output))
                         FROM run_step st WHERE st.run_id = s.id AND st.status = 'succeeded'), '[]') AS steps
        FROM started s JOIN flow_version v ON v.id = s.flow_version_id JOIN event e ON e.id = s.event_id`,
  );
  if (!loaded) return 'skipped';

  const definition = loaded.definition as FlowDefinition;
  const completed = Object.fromEntries(loaded.steps.map((s) => [s.stepKey, s.output]));
  const tenantId = job.tenantId;
  const inGate = <T>(fn: (db: TenantDb) => Promise<T>) => gate.withTenant(tenantId, fn);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The run attempt took too long', 'TimeoutError')), deps.attemptTimeoutMs ?? 60_000);

  try {
    const result = await executeFlow({
      definition,
      trigger: loaded.payload,
      run: { id: loaded.id, flowId: loaded.flowId, attempt: loaded.attempt, idempotencyRoot: loaded.replayOfId ?? loaded.id },
      completed,
      signal: controller.signal,
      hooks: {
        onStepStart: (s) =>
          inGate(async (db) => {
            await db.$executeRaw`
              INSERT INTO run_step (tenant_id, run_id, step_key, kind, status, attempt, started_at)
              VALUES (${tenantId}::uuid, ${loaded.id}::uuid, ${s.key}, ${s.kind}, 'running', 1, now())
              ON CONFLICT (run_id, step_key) DO UPDATE
                SET status = 'running', attempt = run_step.attempt + 1, started_at = now(), finished_at = NULL, error = NULL`;
          }),
        onStepSuccess: (s) =>
          inGate(async (db) => {
            await db.runStep.update({
              where: { runId_stepKey: { runId: loaded.id, stepKey: s.key } },
              data: { status: 'succeeded', input: jsonSafe(s.input) ?? undefined, output: jsonSafe(s.output) ?? undefined, finishedAt: new Date(), durationMs: s.durationMs },
            });
          }),
        onStepFailure: (s) =>
          inGate(async (db) => {
            await db.runStep.update({
              where: { runId_stepKey: { runId: loaded.id, stepKey: s.key } },
              data: { status: 'failed', input: jsonSafe(s.input) ?? undefined, error: s.error as object, finishedAt: new Date(), durationMs: s.durationMs },
            });
          }),
      },
      deps: {
        getConnector: (id) => deps.catalog.get(id),
        maxOutputBytes: MAX_STEP_OUTPUT_BYTES,
        evaluate: deps.evaluate,
        actionContext: async (step, connector) => {
          const connectionId = step.connectionId ?? null;
          const { auth, connection, fetch } = await connectionCredentials(gate, {
            tenantId,
            connectionId,
            connector,
            keyring: deps.keyring,
            fetchFor: deps.fetchFor,
            allowPrivateNetwork: deps.allowPrivateNetwork === true,
          });
          return {
            auth,
            connection,
            fetch,
            ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}),
            store: connectionId
              ? {
                  get: (key) => inGate((db) => connectionStore(db, { tenantId, connectionId }).get(key)),
                  put: (key, value, options) => inGate((db) => connectionStore(db, { tenantId, connectionId }).put(key, value, options)),
                  delete: (key) => inGate((db) => connectionStore(db, { tenantId, connectionId }).delete(key)),
                }
              : { get: async () => undefined, put: async () => undefined, delete: async () => undefined },
            log: deps.log,
            devices: DEVICE_CONNECTORS.has(connector.id) ? deviceCommandsFor(inGate, { tenantId, idempotencyKey: `${loaded.replayOfId ?? loaded.id}:${step.key}` }) : undefined,
          };
        },
      },
    });

    return await inGate(async (db) => {
      if (result.status === 'succeeded' || result.status === 'filtered') {
        // An earlier attempt's error is cleared with the outcome.
        await db.$executeRaw`UPDATE run SET status = ${result.status}::run_status, finished_at = now(), error = NULL WHERE id = ${loaded.id}::uuid`;
        return result.status;
      }
      return settleFailure(db, { tenantId, runId: loaded.id, attempt: loaded.attempt, stepKey: result.stepKey, error: result.error, policy, definition });
    });
  } finally {
    clearTimeout(timer);
  }
}

async function settleFailure(
  db: TenantDb,
  params: { tenantId: string; runId: string; attempt: number; stepKey: string; error: ClassifiedError; policy: RetryPolicy; definition: FlowDefinition },
): Promise<RunOutcome> {
  const { error } = params;
  if (error.disposition === 'reconnect') {
    const connectionId = findConnectionOf(params.definition, params.stepKey);
    if (connectionId) {
      await db.connection.updateMany({ where: { id: connectionId, tenantId: params.tenantId }, data: { status: 'needs_reconnect', statusReason: error.message.slice(0, 500) } });
    }
  }
  if (error.disposition === 'retry' && params.attempt < params.policy.maxAttempts) {
    const delay = Math.max(backoffMs(params.attempt, params.policy), error.retryAfterMs ?? 0);
    const runAt = new Date(Date.now() + delay);
    // Back in the queue, due after the backoff: the dispatcher claims it again then.
    await db.run.update({
      where: { id: params.runId },
      data: { status: 'retrying', nextAttemptAt: runAt, readyAt: runAt, error: { stepKey: params.stepKey, ...error } as object },
    });
    return 'retrying';
  }
  const gaveUp = error.disposition === 'retry' ? ` (gave up after ${params.attempt} attempts)` : '';
  await db.run.update({
    where: { id: params.runId },
    data: { status: 'failed', finishedAt: new Date(), error: { stepKey: params.stepKey, ...error, message: `${error.message}${gaveUp}` } as object },
  });
  return 'failed';
}

function findConnectionOf(definition: FlowDefinition, stepKey: string): string | null {
  const stack = [...definition.steps];
  while (stack.length) {
    const step = stack.shift()!;
    if (step.key === stepKey && step.kind === 'action') return step.connectionId ?? null;
    if (step.kind === 'branch') stack.push(...step.branches.flatMap((b) => b.steps), ...step.otherwise);
  }
  return null;
}
