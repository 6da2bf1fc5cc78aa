/** Why an outbound call was refused or failed. */
export type EgressErrorCode =
  | 'BLOCKED_ADDRESS'
  | 'HOST_NOT_ALLOWED'
  | 'BAD_URL'
  | 'TIMEOUT'
  | 'RESPONSE_TOO_LARGE'
  | 'REQUEST_TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'RATE_LIMITED'
  | 'NETWORK';

// The engine's retry classification reads `retryable`, so the split lives here once: conditions that may
// clear by themselves are retryable, policy refusals would fail the same way on every attempt.
const RETRYABLE: ReadonlySet<EgressErrorCode> = new Set(['NETWORK', 'TIMEOUT', 'RATE_LIMITED']);

/** Options for an {@link EgressError} beyond its code and message. */
export interface EgressErrorOptions {
  cause?: unknown;
  retryAfterMs?: number;
}

/**
 * The one error type of the egress path. Messages name the origin (scheme, host, port) at most: never
 * headers, paths or query strings, because those carry tokens and messages end up in run views.
 */
export class EgressError extends Error {
  override readonly name = 'EgressError';
  readonly code: EgressErrorCode;
  readonly retryable: boolean;
  /** For RATE_LIMITED: how long until the connection's budget has room again. */
  readonly retryAfterMs: number | undefined;

  constructor(code: EgressErrorCode, message: string, options: EgressErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Whether a value is an {@link EgressError}, optionally of one code. */
export function isEgressError(value: unknown, code?: EgressErrorCode): value is EgressError {
  return value instanceof EgressError && (code === undefined || value.code === code);
}
