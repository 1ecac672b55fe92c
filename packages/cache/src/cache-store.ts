import type { CacheEntry } from './cache-entry.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * What a tier of the cache offers. The in-process store answers synchronously (an L1 hit must not
 * cost a promise), Redis asynchronously; the contract suite (cache-store.contract.ts) runs against both.
 */
export interface CacheStore {
  readonly name: string;
  get(key: string): MaybePromise<CacheEntry | undefined>;
  /** Stores until the entry's grace ends. `serialized` is the value's JSON, computed once per load. */
  set(key: string, entry: CacheEntry, serialized: string): MaybePromise<void>;
  delete(key: string): MaybePromise<boolean>;
  /** Deletes every key starting with `prefix`; returns how many. */
  deleteByPrefix(prefix: string): MaybePromise<number>;
  clear(): MaybePromise<void>;
}
