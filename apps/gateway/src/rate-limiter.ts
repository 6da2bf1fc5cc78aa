import type { Rate } from '@conflux/core';

/**
 * Token buckets per key (tenant), in memory: each gateway process limits its own share. Each call names
 * the key's rate, so a tenant whose plan changes gets the new rate at its next request (a fuller bucket
 * is cut down to the new burst).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string, rate: Rate, now = performance.now()): number {
    const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: now };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * rate.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / rate.perSecond) * 1000);
  }
}
