/**
 * The real parts of the event-flow path, started against one test database: the webhook gateway on a free
 * port, the job worker (in this process, or as a child process that a test may kill), tenants set up
 * through the portal's tRPC API as a person would, HTTP targets that record what they receive, and the
 * signing and polling helpers the event-flow tests share. Nothing here is a stand-in for platform code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { catalogFrom, createKeyring } from '@conflux/core';
import { connectors } from '@conflux/registry';
import { createGateway } from '../../apps/gateway/src/server.ts';
import { signWebhook } from '../../apps/gateway/src/signature.ts';
import { parseWorkerConfig } from '../../apps/worker/src/env.ts';
import { startWorker, type RunningWorker, type WorkerOverrides } from '../../apps/worker/src/worker.ts';
import { createCaller } from '../../apps/portal/src/server/root.ts';
import type { Services } from '../../apps/portal/src/server/services.ts';
import { signUpAndSignIn, TEST_MASTER_KEY } from '../../apps/portal/src/server/testing.ts';
import type { TestDatabase } from './database.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const silent = () => pino({ level: 'silent' });

// ---------------------------------------------------------------------------------------------------------
// Polling

/** Options of {@link waitFor}. */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message; a function is called then, so it can show the latest state. */
  what?: string | (() => string | Promise<string>);
}

/**
 * Polls `check` until it returns something other than undefined, null or false, and returns that. A check
 * that throws is retried too (the last error is reported on timeout), so "not there yet" may be a throw.
 */
export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const what = typeof options.what === 'function' ? await options.what() : (options.what ?? 'a condition');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Gateway

/** A gateway listening on a free loopback port. */
export interface TestGateway {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** Settings a test may change; the rest are the production defaults of the gateway's configuration. */
export interface TestGatewayOptions {
  maxBodyBytes?: number;
  /**
   * The per-tenant webhook rate: a fixed one for every tenant (the operator override), or 'plan' for each
   * tenant's plan as in production. Default: a generous fixed rate, so tests that post many webhooks are not
   * slowed down by the free plan's.
   */
  tenantRate?: { perSecond: number; burst: number } | 'plan';
  appSecrets?: Record<string, string>;
}

/** Starts the real gateway (createGateway) for a test database, with every first-party connector. */
export async function startTestGateway(db: TestDatabase, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const gateway = createGateway({
    gate: db.gate,
    system: db.system.db,
    catalog: catalogFrom(connectors),
    keyring: createKeyring([TEST_MASTER_KEY]),
    log: silent(),
    maxBodyBytes: options.maxBodyBytes ?? 1_000_000,
    tenantRate: options.tenantRate === 'plan' ? undefined : (options.tenantRate ?? { perSecond: 100, burst: 200 }),
    appSecrets: options.appSecrets ?? {},
  });
  const port = await gateway.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => gateway.close() };
}

/** The answer of a POST to the gateway. */
export interface PostResult {
  status: number;
  headers: Headers;
  /** The JSON body (the gateway always answers JSON). */
  json: Record<string, unknown>;
}

/** Options of {@link postWebhook}. */
export interface PostOptions {
  /** Signs the body with this secret (x-conflux-signature); unsigned without it. */
  secret?: string;
  /** Unix seconds of the signature; now by default. */
  timestamp?: number;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The `x-conflux-signature` header a sender computes for a raw body. */
export function signatureHeader(secret: string, rawBody: string | Buffer, timestamp?: number): Record<string, string> {
  return { 'x-conflux-signature': signWebhook(secret, rawBody, timestamp) };
}

/** POSTs a body (objects as JSON text, strings as they are) to a gateway URL, signed when asked. */
export async function postWebhook(url: string, body: unknown, options: PostOptions = {}): Promise<PostResult> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
  if (options.secret !== undefined) Object.assign(headers, signatureHeader(options.secret, raw, options.timestamp));
  const response = await fetch(url, { method: 'POST', headers, body: raw });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, headers: response.headers, json };
}

/** The run ids a 202 from a tenant webhook names. */
export function runIdsOf(result: PostResult): string[] {
  return ((result.json.runs ?? []) as { runId: string }[]).map((r) => r.runId);
}

// ---------------------------------------------------------------------------------------------------------
// Worker

/** The worker's environment for a test database: outbound calls may reach loopback, logs are off. */
export function workerEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_SYSTEM_URL: db.systemUrl,
    DATABASE_APP_URL: db.appUrl,
    // No test here sends platform mail; the email connector uses the connection's own SMTP server.
    SMTP_URL: 'smtp://127.0.0.1:9?ignoreTLS=true',
    MASTER_KEYS: TEST_MASTER_KEY,
    EGRESS_ALLOW: '127.0.0.0/8',
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '4',
    ...extra,
  };
}

/** Starts the real worker (startWorker) in this process. */
export function startTestWorker(db: TestDatabase, overrides: WorkerOverrides = {}, env: Record<string, string> = {}): Promise<RunningWorker> {
  return startWorker(parseWorkerConfig(workerEnv(db, env)), silent(), overrides);
}

/** The worker running as its own process (apps/worker/src/main.ts), so that a test can kill it. */
export interface WorkerProcess {
  child: ChildProcess;
  /** What the process wrote to stderr so far, for failure messages. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns the worker's real entry point with the test database's environment. */
export function spawnWorkerProcess(db: TestDatabase, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...workerEnv(db, env) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stderr: () => stderr,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Tenants, connections and flows, through the portal's API

/** The portal's tRPC API as one signed-in member sees it. */
export type TenantCaller = ReturnType<typeof createCaller>;

/** A workspace with its owner signed in. */
export interface TestTenant {
  tenantId: string;
  userId: string;
  caller: TenantCaller;
}

let tenantCounter = 0;

/** Signs a new user up with their own workspace and returns the tRPC caller of their session. */
export async function signUpTenant(services: Services, name: string): Promise<TestTenant> {
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${process.pid}-${tenantCounter++}`;
  const user = await signUpAndSignIn(services, { name, email: `${slug}@example.com`, workspaceName: name });
  const caller = createCaller(await user.context());
  const me = await caller.me.get();
  if (!me.activeTenant) throw new Error(`${name} has no workspace after signing up`);
  return { tenantId: me.activeTenant.id, userId: user.userId, caller };
}

/** A published, enabled flow and its webhook door. */
export interface LiveFlow {
  flowId: string;
  version: number;
  /** `/hooks/<key>`: post it to the test gateway's URL. */
  webhookPath: string | null;
  /** The HMAC signing secret (null in path-token mode or for flows without a webhook). */
  secret: string | null;
}

/** Creates a flow from a definition, publishes it, enables it and reads its webhook door from `flows.get`. */
export async function createLiveFlow(tenant: TestTenant, params: { name: string; definition: unknown }): Promise<LiveFlow> {
  const flow = await tenant.caller.flows.create({ name: params.name, definition: params.definition });
  const { version } = await tenant.caller.flows.publish({ flowId: flow.id });
  await tenant.caller.flows.setEnabled({ flowId: flow.id, enabled: true });
  const got = await tenant.caller.flows.get({ flowId: flow.id });
  return { flowId: flow.id, version, webhookPath: got.webhook ? new URL(got.webhook.url).pathname : null, secret: got.webhook?.secret ?? null };
}

/** A run as `runs.get` returns it. */
export type RunView = Awaited<ReturnType<TenantCaller['runs']['get']>>;

const FINISHED = new Set(['succeeded', 'failed', 'filtered', 'cancelled']);

/** Polls `runs.get` until the run has finished (or reached one of `statuses`), and returns it. */
export async function waitForRun(tenant: TestTenant, runId: string, options: WaitOptions & { statuses?: string[] } = {}): Promise<RunView> {
  const wanted = options.statuses ? new Set(options.statuses) : FINISHED;
  let last: RunView | undefined;
  return waitFor(
    async () => {
      last = await tenant.caller.runs.get({ runId });
      return wanted.has(last.status) ? last : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 20_000,
      intervalMs: options.intervalMs ?? 100,
      what: options.what ?? (() => `run ${runId} to reach ${[...wanted].join('/')} (it is ${last?.status ?? 'unknown'}, attempt ${last?.attempt ?? '?'}, error ${JSON.stringify(last?.error ?? null)})`),
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// What was stored

/** How many events and runs exist, and how many of the runs are in the dispatch queue (for one tenant, when given). */
export interface IngestCounts {
  events: number;
  runs: number;
  /** Runs waiting for a worker or held by one (queued, retrying, running). */
  queued: number;
}

/** Counts stored events and runs, and the runs in the queue, through the system role (across the tenant gate). */
export async function ingestCounts(db: TestDatabase, tenantId?: string): Promise<IngestCounts> {
  const where = tenantId ? { tenantId } : {};
  const [events, runs, queued] = await Promise.all([db.system.db.event.count({ where }), db.system.db.run.count({ where }), queuedRuns(db)]);
  return { events, runs, queued: tenantId ? queued.filter((j) => j.tenantId === tenantId).length : queued.length };
}

/** The runs in the dispatch queue (queued, retrying, or running and claimed by a worker), oldest first. */
export async function queuedRuns(db: TestDatabase): Promise<{ runId: string; tenantId: string; lockedBy: string | null; attempts: number }[]> {
  const rows = await db.system.db.run.findMany({
    where: { status: { in: ['queued', 'retrying', 'running'] } },
    select: { id: true, tenantId: true, claimedBy: true, attempt: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((r) => ({ runId: r.id, tenantId: r.tenantId, lockedBy: r.claimedBy, attempts: r.attempt }));
}

// ---------------------------------------------------------------------------------------------------------
// Recording HTTP target

/** A request as the target received it. */
export interface TargetRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
  idempotencyKey: string | undefined;
  /** performance.now() when the request had fully arrived. */
  at: number;
  /** How the target answered: applied (a new effect), replayed (a duplicate key) or a forced failure status. */
  outcome: 'applied' | 'replayed' | number;
}

/** An effect the target applied: one per Idempotency-Key it received, like a vendor that honours the header. */
export interface TargetEffect {
  key: string | undefined;
  path: string;
  body: unknown;
}

/** A hold on the next request that would apply an effect: it is applied, but the answer waits for `release`. */
export interface TargetHold {
  /** Resolves with the held request once it has arrived. */
  arrived: Promise<TargetRequest>;
  release(): void;
}

/** A local HTTP server that records requests and applies each Idempotency-Key's effect once. */
export interface RecordingTarget {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  requests: TargetRequest[];
  effects: TargetEffect[];
  /** The next `count` requests are answered with `status` (and `body`) and apply nothing. */
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Holds the answer to the next request that applies an effect (see {@link TargetHold}). */
  holdNext(): TargetHold;
  /** The requests that carried this Idempotency-Key. */
  withKey(key: string): TargetRequest[];
  close(): Promise<void>;
}

export async function startRecordingTarget(): Promise<RecordingTarget> {
  const requests: TargetRequest[] = [];
  const effects: TargetEffect[] = [];
  const answers = new Map<string, { status: number; body: unknown }>();
  const failures: { status: number; body: unknown; headers: Record<string, string> }[] = [];
  let hold: { arrived: (request: TargetRequest) => void; released: Promise<void> } | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
      const request: TargetRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json, idempotencyKey: key, at: performance.now(), outcome: 'applied' };
      requests.push(request);
      const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };

      const failure = failures.shift();
      if (failure) {
        request.outcome = failure.status;
        answer(failure.status, failure.body, failure.headers);
        return;
      }
      const earlier = key === undefined ? undefined : answers.get(key);
      if (earlier) {
        request.outcome = 'replayed';
        answer(earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
        return;
      }
      effects.push({ key, path: request.path, body: json ?? body });
      const response = { status: 201, body: { id: `effect_${effects.length}`, received: json ?? body } };
      if (key !== undefined) answers.set(key, response);
      const held = hold;
      hold = undefined;
      if (!held) {
        answer(response.status, response.body);
        return;
      }
      held.arrived(request);
      void held.released.then(() => answer(response.status, response.body));
    });
  });
  // A caller killed mid-request resets its socket; that is what some tests do on purpose.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    effects,
    failNext(count, status, body = { error: `forced ${status}` }, headers = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, body, headers });
    },
    holdNext() {
      let arrived!: (request: TargetRequest) => void;
      let release!: () => void;
      const arrivedPromise = new Promise<TargetRequest>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { arrived, released };
      return { arrived: arrivedPromise, release };
    },
    withKey: (key) => requests.filter((r) => r.idempotencyKey === key),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Resolves with `promise`, or rejects after `ms` with a message saying what did not happen. */
export function within<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
