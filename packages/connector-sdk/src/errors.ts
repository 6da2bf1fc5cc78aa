/** How the platform treats a failed call: retry with backoff, dead-letter, ask for a reconnect, or wait. */
export type ConnectorErrorKind = 'retryable' | 'permanent' | 'auth' | 'rate_limited';

/**
 * The error connectors throw. The engine reads `kind` to decide: `retryable` backs off and tries again,
 * `permanent` fails the run with this message, `auth` marks the connection "needs reconnect",
 * `rate_limited` waits `retryAfterMs` (or backs off) before trying again.
 */
export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind;
  readonly retryAfterMs: number | undefined;
  /** Extra detail shown in the run view (never secrets). */
  readonly details: Record<string, unknown> | undefined;
  constructor(kind: ConnectorErrorKind, message: string, options: { cause?: unknown; retryAfterMs?: number; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ConnectorError';
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }
  static retryable(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    return new ConnectorError('retryable', message, options);
  }
  static permanent(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    return new ConnectorError('permanent', message, options);
  }
  static auth(message: string, options?: { cause?: unknown }) {
    return new ConnectorError('auth', message, options);
  }
  static rateLimited(message: string, retryAfterMs?: number) {
    return new ConnectorError('rate_limited', message, { retryAfterMs });
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConnectorError' && 'kind' in error);
}

/**
 * Whether an error already says how the platform treats it: a ConnectorError, the egress guard's EgressError
 * (thrown by the guarded fetch and by `resolveHost`; the engine reads its `retryable`), or an abort. Connector
 * code passes those on untouched and describes only the failures of its own calls.
 */
export function isClassifiedError(error: unknown): boolean {
  if (isConnectorError(error)) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'EgressError' || name === 'AbortError' || name === 'TimeoutError';
}

/**
 * Classifies an HTTP response status the way every connector should: 429 is rate-limited (honouring
 * Retry-After), 408 and 5xx are retryable, 401/403 are auth problems, other 4xx are permanent.
 */
export function errorForStatus(status: number, message: string, retryAfter?: string | null): ConnectorError {
  if (status === 429) return ConnectorError.rateLimited(message, parseRetryAfter(retryAfter));
  if (status === 408 || status >= 500) return ConnectorError.retryable(message, { details: { status } });
  if (status === 401 || status === 403) return new ConnectorError('auth', message, { details: { status } });
  return ConnectorError.permanent(message, { details: { status } });
}

/** Retry-After as milliseconds (seconds or an HTTP date), capped at one hour. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, 3_600_000);
}
