import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry when full', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // "b" is now the oldest
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('keeps the summed weight within its budget and skips entries heavier than the budget', () => {
    const cache = new LruCache<string, string>({ maxEntries: 10, maxWeight: 10 });
    cache.set('a', 'a', 4);
    cache.set('b', 'b', 4);
    cache.set('c', 'c', 4);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('huge', 'x', 11);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('replaces an existing key without double-counting its weight', () => {
    const cache = new LruCache<string, string>({ maxEntries: 10, maxWeight: 10 });
    cache.set('a', 'one', 6);
    cache.set('a', 'two', 6);
    expect(cache.get('a')).toBe('two');
    expect(cache.size).toBe(1);
    cache.delete('a');
    cache.set('b', 'b', 10);
    expect(cache.get('b')).toBe('b');
  });
});
