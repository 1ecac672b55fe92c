import { LRUCache } from 'lru-cache';
import type { CacheEntry } from './cache-entry.js';
import type { CacheStore } from './cache-store.js';

/**
 * L1: an lru-cache bounded by entries and by bytes (of the serialized values). Synchronous, so a hit
 * costs a map lookup and no promise. Expiry is the cache's business (grace needs expired entries),
 * so lru-cache's own TTL is not used; eviction is by recency.
 */
export class MemoryStore implements CacheStore {
  readonly name = 'memory';
  readonly #lru: LRUCache<string, CacheEntry>;

  constructor(options: { maxEntries: number; maxBytes: number }) {
    this.#lru = new LRUCache<string, CacheEntry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
    });
  }

  get(key: string): CacheEntry | undefined {
    return this.#lru.get(key);
  }

  set(key: string, entry: CacheEntry): void {
    // A value larger than the whole byte budget is not kept (lru-cache would refuse it anyway).
    if (entry.size > this.#lru.maxSize) return;
    this.#lru.set(key, entry);
  }

  delete(key: string): boolean {
    return this.#lru.delete(key);
  }

  deleteByPrefix(prefix: string): number {
    let deleted = 0;
    for (const key of [...this.#lru.keys()]) {
      if (key.startsWith(prefix) && this.#lru.delete(key)) deleted += 1;
    }
    return deleted;
  }

  /** Deletes the entries carrying `tag` (used when generations cannot be compared, e.g. L2 is down). */
  deleteByTag(tag: string): number {
    let deleted = 0;
    for (const [key, entry] of [...this.#lru.entries()]) {
      if (entry.tags.includes(tag) && this.#lru.delete(key)) deleted += 1;
    }
    return deleted;
  }

  clear(): void {
    this.#lru.clear();
  }

  get size(): number {
    return this.#lru.size;
  }

  get bytes(): number {
    return this.#lru.calculatedSize;
  }
}
