import { EgressError } from './egress-error.ts';

/** Token-bucket settings for each connection's outbound budget. */
export interface RateBudgetOptions {
  /** Sustained requests per second per connection key (default 10). */
  perSecond?: number;
  /** Requests that may go at once after a quiet spell (default 20). */
  burst?: number;
  /** Longest a request waits for a token before failing with RATE_LIMITED (default 2000 ms). */
  maxQueueMs?: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

type Bucket = { tokens: number; updatedAt: number };

// Idle buckets that have refilled are indistinguishable from new ones, so they are dropped once there are
// many keys: the map stays as large as the set of recently busy connections.
const SWEEP_ABOVE = 10_000;

/**
 * Per-key token buckets. A request takes a token; when none is left it reserves the next one (tokens go
 * negative, so waiters are served in arrival order) and waits for it, unless that wait would exceed
 * `maxQueueMs`: then it fails at once rather than sleep only to fail, with `retryAfterMs` telling when a
 * retry would find room.
 */
export class RateBudget {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #maxQueueMs: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateBudgetOptions = {}) {
    const perSecond = options.perSecond ?? 10;
    const burst = options.burst ?? 20;
    const maxQueueMs = options.maxQueueMs ?? 2000;
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new TypeError('egress: rate perSecond must be a positive number');
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new TypeError('egress: rate burst must be at least 1');
    if (!(maxQueueMs >= 0)) throw new TypeError('egress: rate maxQueueMs must not be negative');
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#maxQueueMs = maxQueueMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Waits for one token of `key`'s budget; rejects with RATE_LIMITED, or the signal's reason on abort. */
  async take(key: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const bucket = this.#refill(key);
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return;

    const waitMs = -bucket.tokens / this.#perMs;
    if (waitMs > this.#maxQueueMs) {
      bucket.tokens += 1;
      const retryAfterMs = Math.ceil(waitMs);
      throw new EgressError('RATE_LIMITED', `egress: rate budget of this connection is spent; retry in ${retryAfterMs} ms`, {
        retryAfterMs,
      });
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        // Hand the reserved token back so those queued behind are not charged for a request never sent.
        this.#refill(key).tokens += 1;
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.ceil(waitMs));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #refill(key: string): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= SWEEP_ABOVE) this.#sweep(now);
      bucket = { tokens: this.#burst, updatedAt: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
    bucket.updatedAt = now;
    return bucket;
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.#perMs >= this.#burst) this.#buckets.delete(key);
    }
  }
}
