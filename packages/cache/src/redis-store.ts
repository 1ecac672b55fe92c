import type { RedisClient } from '@tablestack/redis-client';
import { type CacheEntry, decodeEntry, encodeEntry } from './cache-entry.js';
import type { CacheStore } from './cache-store.js';

/**
 * The generations a load saw when it started. Its value may be written back only if none of them
 * moved and no invalidation hold is active (see WRITE_IF_CURRENT).
 */
export interface LoadSnapshot {
  keyGen: string;
  prefixGen: string;
  tagGens: string[];
}

/**
 * Redis layout under the service's key prefix (added by the command connection):
 *   c:v:<ns>:<key>  the entry (JSON)          c:g:<ns>:<key>  the key's generation
 *   c:n:<ns>        prefix generation         c:t:<tag>       a tag's generation
 *   c:h:…           invalidation holds        c:l:<ns>:<key>  the distributed load lock
 * Generations only grow; they live a week, far past any entry's TTL plus grace.
 */
const GEN_TTL_MS = 7 * 24 * 3_600_000;
const valueKey = (full: string) => `c:v:${full}`;
const keyGenKey = (full: string) => `c:g:${full}`;
const prefixGenKey = (namespace: string) => `c:n:${namespace}`;
const tagGenKey = (tag: string) => `c:t:${tag}`;
const keyHoldKey = (full: string) => `c:h:k:${full}`;
const prefixHoldKey = (namespace: string) => `c:h:n:${namespace}`;
const tagHoldKey = (tag: string) => `c:h:t:${tag}`;
const lockKey = (full: string) => `c:l:${full}`;

/**
 * Writes a loaded value only if it is still current: no invalidation of the key, its namespace's
 * prefixes or its tags happened since the load started (generations unchanged) and none is held
 * (a load that began after an invalidation may have read a replica that had not replayed the write).
 * KEYS: value, keyGen, prefixGen, keyHold, prefixHold, tagGen1..n, tagHold1..n
 * ARGV: entry, ttlMs, keyGen, prefixGen, tagGen1..n
 */
const WRITE_IF_CURRENT = `
if redis.call('EXISTS', KEYS[4]) == 1 or redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[3] then return 0 end
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[4] then return 0 end
local n = (#KEYS - 5) / 2
for i = 1, n do
  if (redis.call('GET', KEYS[5 + i]) or '0') ~= ARGV[4 + i] then return 0 end
  if redis.call('EXISTS', KEYS[5 + n + i]) == 1 then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** Releases the load lock only if this process still owns it. */
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Glob characters in a SCAN pattern are escaped so a prefix is matched literally. */
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * L2: entries in Redis on the process's shared command connection (bounded command timeout, no
 * offline queue: a dead Redis fails fast and the cache falls back to L1 and the loader).
 * Keys passed to the CacheStore methods are full keys `<namespace>:<key>`.
 */
export class RedisStore implements CacheStore {
  readonly name = 'redis';

  constructor(
    private readonly redis: RedisClient,
    /** The connection's keyPrefix, which SCAN patterns must include and its results strip. */
    private readonly keyPrefix: string,
  ) {}

  async get(full: string): Promise<CacheEntry | undefined> {
    const text = await this.redis.get(valueKey(full));
    return text === null ? undefined : decodeEntry(text);
  }

  async set(full: string, entry: CacheEntry, serialized: string): Promise<void> {
    const ttl = Math.max(1, entry.staleUntil - Date.now());
    await this.redis.set(valueKey(full), encodeEntry(entry, serialized), 'PX', ttl);
  }

  async delete(full: string): Promise<boolean> {
    return (await this.redis.del(valueKey(full))) > 0;
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const pattern = `${this.keyPrefix}${escapeGlob(valueKey(prefix))}*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, names] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      // The connection adds keyPrefix again, so the scanned names are given back without it.
      if (names.length)
        deleted += await this.redis.unlink(...names.map((name) => name.slice(this.keyPrefix.length)));
    } while (cursor !== '0');
    return deleted;
  }

  async clear(): Promise<void> {
    await this.deleteByPrefix('');
  }

  /**
   * The entry, if its tags are still current: one GET for an untagged key (the hot path of an L2
   * hit), one MGET with the tags' generations otherwise.
   */
  read(full: string, tags: readonly string[]): Promise<CacheEntry | undefined> {
    if (tags.length === 0) {
      return this.redis.get(valueKey(full)).then((text) => {
        if (text === null) return undefined;
        const entry = decodeEntry(text);
        return entry.tags.length === 0 ? entry : undefined;
      });
    }
    return this.#readTagged(full, tags);
  }

  async #readTagged(full: string, tags: readonly string[]): Promise<CacheEntry | undefined> {
    const values = await this.redis.mget(valueKey(full), ...tags.map(tagGenKey));
    if (values[0] === null || values[0] === undefined) return undefined;
    const entry = decodeEntry(values[0]);
    const current = tags.map((_, index) => values[index + 1] ?? '0');
    // A tag invalidated after this entry was stored makes it invalid, even if its key was not deleted.
    const valid =
      entry.tags.length === tags.length &&
      entry.tags.every((tag, index) => {
        const position = tags.indexOf(tag);
        return position >= 0 && String(entry.tagGens[index]) === current[position];
      });
    return valid ? entry : undefined;
  }

  /** The generations a load starts from (taken on a miss, before the loader runs). */
  async snapshot(namespace: string, full: string, tags: readonly string[]): Promise<LoadSnapshot> {
    const values = await this.redis.mget(keyGenKey(full), prefixGenKey(namespace), ...tags.map(tagGenKey));
    return {
      keyGen: values[0] ?? '0',
      prefixGen: values[1] ?? '0',
      tagGens: values.slice(2).map((gen) => gen ?? '0'),
    };
  }

  /** Writes only if nothing was invalidated since `snapshot` and no hold is active; true if written. */
  async writeIfCurrent(
    namespace: string,
    full: string,
    entry: CacheEntry,
    serialized: string,
    snapshot: LoadSnapshot,
  ): Promise<boolean> {
    const ttl = Math.max(1, entry.staleUntil - Date.now());
    const keys = [
      valueKey(full),
      keyGenKey(full),
      prefixGenKey(namespace),
      keyHoldKey(full),
      prefixHoldKey(namespace),
      ...entry.tags.map(tagGenKey),
      ...entry.tags.map(tagHoldKey),
    ];
    const args = [
      encodeEntry(entry, serialized),
      ttl,
      snapshot.keyGen,
      snapshot.prefixGen,
      ...snapshot.tagGens,
    ];
    return (await this.redis.eval(WRITE_IF_CURRENT, keys.length, ...keys, ...args)) === 1;
  }

  /** Deletes the keys, moves their generations and holds them for `holdMs`. */
  async invalidateKeys(fulls: readonly string[], holdMs: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const full of fulls) {
      pipeline.unlink(valueKey(full));
      pipeline.incr(keyGenKey(full));
      pipeline.pexpire(keyGenKey(full), GEN_TTL_MS);
      if (holdMs > 0) pipeline.set(keyHoldKey(full), '1', 'PX', holdMs);
    }
    await execOrThrow(pipeline);
  }

  /** Moves the tags' generations (their entries become invalid) and holds them; returns the new generations. */
  async invalidateTags(tags: readonly string[], holdMs: number): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (const tag of tags) {
      pipeline.incr(tagGenKey(tag));
      pipeline.pexpire(tagGenKey(tag), GEN_TTL_MS);
      if (holdMs > 0) pipeline.set(tagHoldKey(tag), '1', 'PX', holdMs);
    }
    const results = await execOrThrow(pipeline);
    const step = holdMs > 0 ? 3 : 2;
    return tags.map((_, index) => Number(results[index * step]));
  }

  /** Deletes the namespace's keys under `prefix`; loads in flight anywhere in the namespace are not written back. */
  async invalidatePrefix(namespace: string, prefix: string, holdMs: number): Promise<number> {
    const pipeline = this.redis
      .pipeline()
      .incr(prefixGenKey(namespace))
      .pexpire(prefixGenKey(namespace), GEN_TTL_MS);
    if (holdMs > 0) pipeline.set(prefixHoldKey(namespace), '1', 'PX', holdMs);
    await execOrThrow(pipeline);
    return this.deleteByPrefix(`${namespace}:${prefix}`);
  }

  async acquireLock(full: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(lockKey(full), owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseLock(full: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE_LOCK, 1, lockKey(full), owner);
  }
}

async function execOrThrow(pipeline: ReturnType<RedisClient['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value);
}
