/**
 * Runs connector code the way the platform does, without the platform: props parsed through the action's
 * schema, a context with an in-memory store and recorded log lines. Tests pass a real fetch (usually
 * `globalThis.fetch` against a local server) where the platform would pass its guarded fetch.
 */
import type { ActionContext, ActionDefinition, AuthValue, ConnectionTestContext, InboundRequest, KeyValueStore } from '@conflux/connector-sdk';

/** A log line as a connector wrote it. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** What a test may set on the context; everything else gets a harmless default. */
export interface TestContextOptions {
  auth?: AuthValue | null;
  fetch?: typeof fetch;
  idempotencyKey?: string;
  store?: KeyValueStore;
  signal?: AbortSignal;
  /** Connection metadata the platform keeps beside the credentials (not yet a field of ActionContext). */
  metadata?: Record<string, unknown>;
  logs?: LoggedLine[];
}

/** A key-value store in memory that honours `ttlSeconds`. */
export function memoryStore(now: () => number = Date.now): KeyValueStore & { entries: Map<string, { value: unknown; expiresAt?: number }> } {
  const entries = new Map<string, { value: unknown; expiresAt?: number }>();
  return {
    entries,
    async get<T>(key: string) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return structuredClone(entry.value) as T;
    },
    async put(key, value, options) {
      entries.set(key, { value: structuredClone(value), expiresAt: options?.ttlSeconds === undefined ? undefined : now() + options.ttlSeconds * 1000 });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}

/** The context an action receives, with `connection.metadata` added for connectors that read it. */
export function actionContext<P>(props: P, options: TestContextOptions = {}): ActionContext<P> {
  const logs = options.logs ?? [];
  const line = (level: LoggedLine['level']) => (message: string, data?: Record<string, unknown>) => void logs.push({ level, message, data });
  const context: ActionContext<P> = {
    props,
    auth: options.auth ?? null,
    fetch: options.fetch ?? globalThis.fetch,
    store: options.store ?? memoryStore(),
    log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    idempotencyKey: options.idempotencyKey ?? 'run_test:step_1',
    signal: options.signal ?? new AbortController().signal,
    run: { id: 'run_test', stepKey: 'step_1', attempt: 1, flowId: 'flow_test' },
    connection: { id: 'connection_test', metadata: options.metadata ?? {} },
  };
  return context;
}

/** The context of a connector's connection test ("Test connection" in the portal). */
export function connectionTestContext(options: Pick<TestContextOptions, 'auth' | 'fetch' | 'metadata' | 'signal' | 'logs'> = {}): ConnectionTestContext {
  const { log } = actionContext({}, options);
  return {
    auth: options.auth ?? null,
    connection: { id: 'connection_test', metadata: options.metadata ?? {} },
    fetch: options.fetch ?? globalThis.fetch,
    log,
    signal: options.signal ?? new AbortController().signal,
  };
}

/** Parses `input` through the action's props schema (as the engine does) and runs the action. */
export async function runAction(action: ActionDefinition, input: Record<string, unknown>, options: TestContextOptions = {}): Promise<unknown> {
  return action.run(actionContext(action.props.parse(input), options));
}

/** An inbound request as the gateway builds it, from a JSON body (or raw text) and headers. */
export function inboundRequest(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: 'POST', headers: { 'content-type': 'application/json', ...lower }, query: {}, rawBody: Buffer.from(raw), body: parsed };
}

/** An error shaped like the guarded fetch's refusal (EgressError of packages/egress), which connectors must pass on untouched. */
export function egressRefusal(message = 'egress: http://10.0.0.1 is not a public address'): Error {
  return Object.assign(new Error(message), { name: 'EgressError', code: 'BLOCKED_ADDRESS', retryable: false });
}

/** A fetch that fails the way the guarded fetch does when it refuses a call. */
export function refusingFetch(error: unknown): typeof fetch {
  return async () => {
    throw error;
  };
}
