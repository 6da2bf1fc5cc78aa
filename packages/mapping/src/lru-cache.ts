// Written here rather than taken from `lru-cache`: a Map already iterates in insertion order, so "least recently
// used" is its first key once every hit re-inserts, and the one extra feature needed (a budget on the summed
// weight of entries, so a thousand 20 kB expressions cannot pin a gigabyte of syntax trees) is a few lines more.

/** Bounds of an LruCache: at most `maxEntries` entries whose weights add up to at most `maxWeight`. */
export interface LruCacheOptions {
  maxEntries: number;
  maxWeight?: number;
}

/** A least-recently-used cache bounded by entry count and, optionally, by summed weight. */
export class LruCache<K, V> {
  readonly #entries = new Map<K, { value: V; weight: number }>();
  readonly #maxEntries: number;
  readonly #maxWeight: number;
  #weight = 0;

  constructor(options: LruCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('LruCache needs room for at least one entry');
    this.#maxEntries = options.maxEntries;
    this.#maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value, marked as most recently used. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores a value, then evicts the least recently used entries until both bounds hold. */
  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    // An entry heavier than the whole budget would evict everything and then itself: not worth caching.
    if (weight > this.#maxWeight) return;
    this.#entries.set(key, { value, weight });
    this.#weight += weight;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#weight <= this.#maxWeight) break;
      this.#entries.delete(oldest);
      this.#weight -= entry.weight;
    }
  }

  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
    return true;
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }
}
