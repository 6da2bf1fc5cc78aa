import net from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { createAddressPolicy } from './address-policy.ts';
import { capResponseBody, readRequestBody } from './body.ts';
import { EgressError } from './egress-error.ts';
import { createGuardedConnect, literalHostError, resolveChecked, systemLookup, type EgressLookup } from './guarded-connect.ts';
import { compileAllowedHosts, normalizeHost, parseTargetUrl, type HostAllowList } from './host-rules.ts';
import { RateBudget, type RateBudgetOptions } from './rate-budget.ts';

/** Defaults of {@link createEgress}; per-call values may lower the limits, never raise them. */
export const EGRESS_DEFAULTS = {
  connectTimeoutMs: 5_000,
  timeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
  maxRequestBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'Conflux/0.1',
  rate: { perSecond: 10, burst: 20, maxQueueMs: 2_000 },
  credentialHeaders: ['authorization', 'cookie', 'proxy-authorization'],
} as const;

/** Operator settings of the egress path, fixed for the life of the process. */
export interface EgressOptions {
  /** CIDR ranges that may be reached although the guard refuses them (`['127.0.0.0/8']` in tests). */
  allow?: readonly string[];
  /** Host patterns for calls that pass none (see `EgressRequestInit.allowedHosts`); unset means any host. */
  allowedHosts?: readonly string[];
  /** Resolver used at connect time; the system resolver unless a test plays DNS. */
  lookup?: EgressLookup;
  /** TCP (and TLS) connect timeout, lookup included. */
  connectTimeoutMs?: number;
  /** Whole-call timeout: queueing, every redirect hop and reading the body. */
  timeoutMs?: number;
  /** Response body cap, counted on the bytes handed to the caller (after decompression). */
  maxResponseBytes?: number;
  /** Request body cap. */
  maxRequestBytes?: number;
  /** Redirects followed before TOO_MANY_REDIRECTS. */
  maxRedirects?: number;
  /** Sent when the caller sets no user-agent. */
  userAgent?: string;
  /** Token bucket per connection key. */
  rate?: Omit<RateBudgetOptions, 'now'>;
  /** Extra header names (e.g. `x-api-key`) dropped, like Authorization and Cookie, on a cross-origin redirect. */
  credentialHeaders?: readonly string[];
}

/** `fetch`'s init plus the egress path's per-call settings. */
export interface EgressRequestInit extends RequestInit {
  /** The connection whose rate budget this call spends; no key, no budget. */
  connectionKey?: string;
  /** Host patterns this call may reach: the connector manifest's egress list (`*.stripe.com`). */
  allowedHosts?: readonly string[];
  /** Lowers the whole-call timeout for this call. */
  timeoutMs?: number;
  /** Lowers the response body cap for this call. */
  maxResponseBytes?: number;
  /** Lowers the request body cap for this call. */
  maxRequestBytes?: number;
}

/** The guarded fetch: WHATWG `fetch`'s signature, a standard `Response`, EgressError on refusal. */
export type EgressFetch = (input: string | URL | Request, init?: EgressRequestInit) => Promise<Response>;

/** An egress path: the guarded fetch, an early URL check, and shutdown of its connection pool. */
export interface Egress {
  fetch: EgressFetch;
  /**
   * Checks a URL now (e.g. a webhook target a tenant is saving) to give early feedback. Never a substitute
   * for the connect-time check: DNS may answer differently by the time the call is made.
   */
  check(url: string | URL, options?: { allowedHosts?: readonly string[] }): Promise<void>;
  /** Closes pooled connections; in-flight calls finish first. */
  close(): Promise<void>;
}

const REDIRECT_STATUS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUS: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);
// Describe a body that is dropped when a redirect turns the request into a GET.
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new TypeError(`egress: ${name} must be a positive number`);
  return value;
}

// Per-call limits come from connector code, partner code included: they may tighten, never loosen.
const lower = (name: string, value: number | undefined, ceiling: number) => Math.min(positive(name, value, ceiling), ceiling);

function allowListFor(patterns: readonly string[] | undefined): HostAllowList | undefined {
  return patterns === undefined ? undefined : compileAllowedHosts(patterns);
}

function assertHostAllowed(url: URL, allowList: HostAllowList | undefined): void {
  if (allowList !== undefined && !allowList.matches(url.hostname)) {
    throw new EgressError('HOST_NOT_ALLOWED', `egress: ${url.origin} is not in this connector's allowed hosts`);
  }
}

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

// The platform Request normalises every BodyInit (string, FormData, Blob, stream…) and its content-type
// exactly as fetch would. Its complaints about a header quote the value, which may be a token, so those
// are replaced; the others (a GET with a body, an unsupported method) are safe and kept.
function normalizeRequest(input: Request | string, init: EgressRequestInit): Request {
  try {
    return new Request(input, { method: init.method, headers: init.headers, body: init.body, duplex: 'half' } as RequestInit);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // eslint-disable-next-line preserve-caught-error -- the cause would carry the value this hides
    throw new TypeError(/header/i.test(message) ? 'egress: invalid request header (value not shown)' : `egress: invalid request: ${message}`);
  }
}

/** Creates the egress path. Options are validated now, so a bad CIDR fails at start-up, not on a call. */
export function createEgress(options: EgressOptions = {}): Egress {
  const policy = createAddressPolicy(options.allow);
  const lookup = options.lookup ?? systemLookup;
  const defaultAllowList = allowListFor(options.allowedHosts);
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, EGRESS_DEFAULTS.connectTimeoutMs);
  const timeoutCeiling = positive('timeoutMs', options.timeoutMs, EGRESS_DEFAULTS.timeoutMs);
  const responseCeiling = positive('maxResponseBytes', options.maxResponseBytes, EGRESS_DEFAULTS.maxResponseBytes);
  const requestCeiling = positive('maxRequestBytes', options.maxRequestBytes, EGRESS_DEFAULTS.maxRequestBytes);
  const maxRedirects = options.maxRedirects ?? EGRESS_DEFAULTS.maxRedirects;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) throw new TypeError('egress: maxRedirects must be a whole number');
  const userAgent = options.userAgent ?? EGRESS_DEFAULTS.userAgent;
  const credentialHeaders = [...EGRESS_DEFAULTS.credentialHeaders, ...(options.credentialHeaders ?? [])].map((h) => h.toLowerCase());
  const budget = new RateBudget({ ...EGRESS_DEFAULTS.rate, ...options.rate });

  // One keep-alive pool for every call. Pooled sockets were vetted when they connected, and a reused socket
  // goes to the address that was checked, so reuse cannot be rebound.
  const agent = new Agent({ connect: createGuardedConnect({ policy, lookup, connectTimeoutMs }) });

  const toEgressError = (error: unknown, signal: AbortSignal, origin: string): unknown => {
    // Our own abort reasons (TIMEOUT, RESPONSE_TOO_LARGE) and a caller's abort reason win: the caller's
    // AbortError must stay what fetch would have thrown.
    if (signal.aborted) return signal.reason;
    const chain = errorChain(error);
    const own = chain.find((e) => e instanceof EgressError);
    if (own) return own;
    if (chain.some((e) => (e as { code?: unknown }).code === 'UND_ERR_CONNECT_TIMEOUT')) {
      return new EgressError('TIMEOUT', `egress: connecting to ${origin} timed out after ${connectTimeoutMs} ms`, { cause: error });
    }
    const detail = chain.map((e) => (e as { code?: unknown }).code).find((code) => typeof code === 'string');
    return new EgressError('NETWORK', `egress: request to ${origin} failed${detail ? ` (${String(detail)})` : ''}`, { cause: error });
  };

  const egressFetch: EgressFetch = async (input, init = {}) => {
    const source = input instanceof Request ? input : undefined;
    let url = parseTargetUrl(input instanceof Request ? input.url : input);
    const allowList = init.allowedHosts !== undefined ? allowListFor(init.allowedHosts) : defaultAllowList;
    assertHostAllowed(url, allowList);
    const timeoutMs = lower('timeoutMs', init.timeoutMs, timeoutCeiling);
    const maxResponseBytes = lower('maxResponseBytes', init.maxResponseBytes, responseCeiling);
    const maxRequestBytes = lower('maxRequestBytes', init.maxRequestBytes, requestCeiling);
    const redirectMode = init.redirect ?? source?.redirect ?? 'follow';

    const callerSignal = init.signal ?? source?.signal ?? undefined;
    callerSignal?.throwIfAborted();
    const controller = new AbortController();
    const signal = controller.signal;
    // The timer and the listener outlive fetch() while the body streams. They are freed when the body ends,
    // fails or is cancelled, or when either fires: a body nobody reads must not pin a long-lived run
    // signal's listener list, nor its socket past the timeout.
    const finish = () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    };
    const timer = setTimeout(() => {
      controller.abort(new EgressError('TIMEOUT', `egress: ${url.origin} did not complete within ${timeoutMs} ms`));
      finish();
    }, timeoutMs);
    const onCallerAbort = () => {
      controller.abort(callerSignal?.reason);
      finish();
    };
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

    try {
      // Bodies are read under the cap before anything is sent.
      const normalized = normalizeRequest(source ?? url.href, init);
      let method = normalized.method;
      let body = await readRequestBody(normalized.body, maxRequestBytes, url.origin, signal);
      const headers = new Headers(normalized.headers);
      if (!headers.has('user-agent')) headers.set('user-agent', userAgent);

      for (let redirects = 0; ; redirects += 1) {
        const refusal = literalHostError(url.hostname, policy);
        if (refusal) throw refusal;
        if (init.connectionKey !== undefined) await budget.take(init.connectionKey, signal);

        let response: Awaited<ReturnType<typeof undiciFetch>>;
        try {
          // Built field by field, never spread from the caller's init: a caller-supplied `dispatcher`
          // would otherwise replace the guarded agent.
          response = await undiciFetch(url.href, {
            method,
            headers: [...headers],
            body,
            redirect: 'manual',
            dispatcher: agent,
            signal,
          });
        } catch (error) {
          throw toEgressError(error, signal, url.origin);
        }

        const location = response.headers.get('location');
        if (REDIRECT_STATUS.has(response.status) && redirectMode !== 'manual' && location !== null) {
          await response.body?.cancel().catch(() => undefined);
          if (redirectMode === 'error' || redirects >= maxRedirects) {
            throw new EgressError('TOO_MANY_REDIRECTS', `egress: ${url.origin} redirected more than ${redirectMode === 'error' ? 0 : maxRedirects} times`);
          }
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new EgressError('BAD_URL', `egress: ${url.origin} redirected to an invalid URL`);
          }
          next = parseTargetUrl(next);
          assertHostAllowed(next, allowList);
          // Credentials were meant for the origin the caller named, not for wherever it points us.
          if (next.origin !== url.origin) for (const name of credentialHeaders) headers.delete(name);
          const status = response.status;
          if ((status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
            for (const name of BODY_HEADERS) headers.delete(name);
          }
          url = next;
          continue;
        }

        const hasBody = response.body !== null && method !== 'HEAD' && !NULL_BODY_STATUS.has(response.status);
        // A HEAD answer's length describes a body that is not sent, so only real bodies are judged by it.
        const declared = Number(response.headers.get('content-length') ?? Number.NaN);
        if (hasBody && declared > maxResponseBytes) {
          const error = new EgressError('RESPONSE_TOO_LARGE', `egress: response from ${url.origin} declares ${declared} bytes, over the ${maxResponseBytes} byte cap`);
          controller.abort(error);
          throw error;
        }
        if (!hasBody) {
          await response.body?.cancel().catch(() => undefined);
          finish();
        }
        const origin = url.origin;
        const out = new Response(
          hasBody && response.body
            ? capResponseBody(response.body as ReadableStream<Uint8Array>, maxResponseBytes, origin, {
                finish,
                abort: (reason) => controller.abort(reason),
                mapError: (error) => toEgressError(error, signal, origin),
              })
            : null,
          { status: response.status, statusText: response.statusText, headers: [...response.headers] },
        );
        // Response's constructor cannot set these; callers read them to see where they ended up.
        Object.defineProperties(out, { url: { value: url.href }, redirected: { value: redirects > 0 } });
        return out;
      }
    } catch (error) {
      finish();
      throw error;
    }
  };

  return {
    fetch: egressFetch,
    async check(target, checkOptions = {}) {
      const url = parseTargetUrl(target);
      assertHostAllowed(url, allowListFor(checkOptions.allowedHosts) ?? defaultAllowList);
      const refusal = literalHostError(url.hostname, policy);
      if (refusal) throw refusal;
      const host = normalizeHost(url.hostname);
      if (net.isIP(host) === 0) await resolveChecked(host, lookup, policy);
    },
    close: () => agent.close(),
  };
}
