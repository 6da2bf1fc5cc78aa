import { isConnectorError } from '@conflux/connector-sdk';
import { ZodError } from 'zod';

/** A step failure as the platform records it: what happened, and what to do about it. */
export interface ClassifiedError {
  /** retry: back off and try again; fail: dead-letter the run; reconnect: the connection needs new credentials. */
  disposition: 'retry' | 'fail' | 'reconnect';
  code: string;
  message: string;
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}

/**
 * Maps any error a step can raise to a disposition. Connector errors say what they are; mapping and
 * validation errors are permanent (retrying cannot fix an expression); the egress guard marks its own
 * errors retryable or not; anything unknown is treated as transient and retried up to the limit.
 */
export function classifyError(error: unknown): ClassifiedError {
  if (isConnectorError(error)) {
    switch (error.kind) {
      case 'retryable':
        return { disposition: 'retry', code: 'CONNECTOR_RETRYABLE', message: error.message, details: error.details };
      case 'rate_limited':
        return { disposition: 'retry', code: 'RATE_LIMITED', message: error.message, retryAfterMs: error.retryAfterMs, details: error.details };
      case 'auth':
        return { disposition: 'reconnect', code: 'AUTH', message: error.message, details: error.details };
      case 'permanent':
        return { disposition: 'fail', code: 'CONNECTOR_PERMANENT', message: error.message, details: error.details };
    }
  }
  if (error instanceof ZodError) {
    const first = error.issues[0];
    const where = first?.path.length ? ` (${first.path.join('.')})` : '';
    return { disposition: 'fail', code: 'INVALID_PROPS', message: `${first?.message ?? 'Invalid input'}${where}` };
  }
  const e = error as { name?: string; code?: string; message?: string; retryable?: boolean; retryAfterMs?: number };
  if (e?.name === 'MappingError') return { disposition: 'fail', code: `MAPPING_${e.code ?? 'ERROR'}`, message: e.message ?? 'Mapping failed' };
  if (e?.name === 'EgressError') {
    return { disposition: e.retryable ? 'retry' : 'fail', code: `EGRESS_${e.code ?? 'ERROR'}`, message: e.message ?? 'Outbound call failed', retryAfterMs: e.retryAfterMs };
  }
  if (e?.name === 'StepError') return { disposition: 'fail', code: e.code ?? 'STEP_ERROR', message: e.message ?? 'Step failed' };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return { disposition: 'retry', code: 'TIMEOUT', message: 'The step took too long and was stopped' };
  return { disposition: 'retry', code: 'UNEXPECTED', message: e?.message ? String(e.message).slice(0, 500) : 'Unexpected error' };
}

/** A permanent failure raised by the engine itself (unknown connector, missing connection…). */
export class StepError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'StepError';
    this.code = code;
  }
}

/** Retry policy of runs. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseMs: 2_000, capMs: 15 * 60_000 };

/**
 * Delay before attempt `attempt + 1`: exponential (base·2^(attempt-1), capped) with jitter in the upper
 * half of the band, so retries of many runs spread out but never come sooner than half the nominal delay.
 */
export function backoffMs(attempt: number, policy: RetryPolicy = defaultRetryPolicy, random = Math.random): number {
  const nominal = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
