import { describe, expect, it } from 'vitest';
import { Cache } from './cache.js';
import { cacheEnvSchema } from './cache-env.js';
import { CacheLoadTimeoutError } from './cache-errors.js';

// The engine's logic without Redis (L1 only); the two-tier behaviour is in cache.integration.test.ts.
const silent = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function l1Cache(
  policy: Partial<{ ttlMs: number; graceMs: number; softTimeoutMs: number; hardTimeoutMs: number }> = {},
) {
  return new Cache({
    env: cacheEnvSchema.parse({ CACHE_INVALIDATION_HOLD_MS: '300' }),
    logger: silent,
    namespaces: { items: { ttlMs: 60_000, graceMs: 60_000, ...policy } },
  });
}

/** A loader that counts its calls and can be held until released. */
function countingLoader<T>(value: () => T) {
  let release: () => void = () => {};
  let gate: Promise<void> | undefined;
  const loader = {
    calls: 0,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
    load: async () => {
      loader.calls++;
      if (gate) await gate;
      return value();
    },
  };
  return loader;
}

describe('Cache (L1)', () => {
  it('answers an L1 hit synchronously, without a promise', async () => {
    const cache = l1Cache();
    await cache.getOrSet('items', 'a', async () => ({ id: 'a' }));
    const hit = cache.getOrSet('items', 'a', async () => ({ id: 'other' }));
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toEqual({ id: 'a' });
    expect(cache.stats().namespaces.items).toMatchObject({ l1Hits: 1, misses: 1, loads: 1 });
  });

  it('runs one load for 500 concurrent misses of a key', async () => {
    const cache = l1Cache();
    const loader = countingLoader(() => 'v');
    loader.hold();
    const results = Array.from({ length: 500 }, () => cache.getOrSet('items', 'k', loader.load));
    loader.release();
    expect(await Promise.all(results)).toEqual(Array(500).fill('v'));
    expect(loader.calls).toBe(1);
  });

  it('serves a stale value within grace while one refresh runs', async () => {
    // Generous TTLs: on a busy machine a 20 ms TTL can run out between two lines of the test.
    const cache = l1Cache({ ttlMs: 300 });
    let version = 1;
    const loader = countingLoader(() => version);
    await cache.getOrSet('items', 'k', loader.load);
    await sleep(350);
    version = 2;
    loader.hold();
    // Expired: both callers get the old value at once; one refresh starts.
    expect(await cache.getOrSet('items', 'k', loader.load)).toBe(1);
    expect(await cache.getOrSet('items', 'k', loader.load)).toBe(1);
    expect(loader.calls).toBe(2);
    loader.release();
    await sleep(20);
    expect(await cache.getOrSet('items', 'k', loader.load)).toBe(2);
    expect(loader.calls).toBe(2);
    expect(cache.stats().namespaces.items!.staleServed).toBe(2);
  });

  it('serves the stale value when the refresh fails, and counts the error', async () => {
    const cache = l1Cache({ ttlMs: 100 });
    await cache.getOrSet('items', 'k', async () => 'old');
    await sleep(150);
    expect(await cache.getOrSet('items', 'k', async () => Promise.reject(new Error('db down')))).toBe('old');
    await sleep(5);
    expect(cache.stats().namespaces.items!.loadErrors).toBe(1);
  });

  it('fails a load without a stale value when the loader fails, and caches nothing', async () => {
    const cache = l1Cache();
    await expect(
      cache.getOrSet('items', 'k', async () => Promise.reject(new Error('db down'))),
    ).rejects.toThrow('db down');
    expect(await cache.getOrSet('items', 'k', async () => 'ok')).toBe('ok');
  });

  it('fails a load past the hard timeout with CacheLoadTimeoutError', async () => {
    const cache = l1Cache({ hardTimeoutMs: 30 });
    await expect(cache.getOrSet('items', 'slow', () => sleep(200).then(() => 'late'))).rejects.toBeInstanceOf(
      CacheLoadTimeoutError,
    );
  });

  it('does not keep a value whose load raced an invalidation', async () => {
    const cache = l1Cache();
    const loader = countingLoader(() => 'old');
    loader.hold();
    const racing = cache.getOrSet('items', 'k', loader.load);
    await cache.invalidate('items', 'k');
    loader.release();
    expect(await racing).toBe('old'); // that caller asked before the write
    expect(cache.l1.get('items:k')).toBeUndefined();
    expect(await cache.getOrSet('items', 'k', async () => 'new')).toBe('new');
    // Both refused: the racing load, and the next one because it started within the hold.
    expect(cache.stats().namespaces.items!.writeBacksRefused).toBe(2);
  });

  it('does not let a caller who comes after an invalidation share a load that started before it', async () => {
    const cache = l1Cache();
    let row = 'old';
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Reads the row, then stalls: what a query that ran before the write returns.
    const before = cache.getOrSet('items', 'k', async () => {
      const seen = row;
      await gate;
      return seen;
    });
    row = 'new';
    await cache.invalidate('items', 'k');
    const after = cache.getOrSet('items', 'k', async () => row);
    release();
    expect(await before).toBe('old'); // asked before the write
    expect(await after).toBe('new'); // asked after it: a load of its own, not the stale one
  });

  it('does not keep a load that started within the hold after an invalidation (a lagging replica)', async () => {
    const cache = l1Cache();
    await cache.invalidate('items', 'k');
    expect(await cache.getOrSet('items', 'k', async () => 'maybe-old')).toBe('maybe-old');
    expect(await cache.getOrSet('items', 'k', async () => 'reloaded')).toBe('reloaded');
    await sleep(350);
    await cache.getOrSet('items', 'k', async () => 'kept');
    expect(await cache.getOrSet('items', 'k', async () => 'not called')).toBe('kept');
  });

  it('invalidates by tag and by prefix', async () => {
    const cache = l1Cache();
    await cache.getOrSet('items', 'list:lisbon:1', async () => 'l1', { tags: ['city:lisbon'] });
    await cache.getOrSet('items', 'list:lisbon:2', async () => 'l2');
    await cache.getOrSet('items', 'list:porto:1', async () => 'p1', { tags: ['city:porto'] });
    await cache.invalidateTags('city:lisbon');
    expect(cache.l1.get('items:list:lisbon:1')).toBeUndefined();
    expect(cache.l1.get('items:list:lisbon:2')).toBeDefined();
    await cache.invalidatePrefix('items', 'list:');
    expect(cache.l1.size).toBe(0);
  });

  it('warms keys with bounded concurrency and counts failures', async () => {
    const cache = l1Cache();
    let running = 0;
    let peak = 0;
    const result = await cache.warm(
      'items',
      Array.from({ length: 20 }, (_, index) => `w${index}`),
      async (key) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(2);
        running--;
        if (key === 'w7') throw new Error('bad row');
        return key;
      },
      { concurrency: 4 },
    );
    expect(result).toEqual({ warmed: 19, failed: 1 });
    expect(peak).toBeLessThanOrEqual(4);
    expect(cache.getOrSet('items', 'w3', async () => 'no')).toBe('w3');
  });

  it('wraps a function with cached()', async () => {
    const cache = l1Cache();
    let calls = 0;
    const find = cache.cached('items', async (id: number) => ({ id, calls: ++calls }), {
      key: (id) => `item:${id}`,
    });
    expect(await find(1)).toEqual({ id: 1, calls: 1 });
    expect(await find(1)).toEqual({ id: 1, calls: 1 });
    expect(await find(2)).toEqual({ id: 2, calls: 2 });
  });

  it('refuses an unknown namespace', () => {
    expect(() => l1Cache().getOrSet('nope', 'k', async () => 1)).toThrow('unknown cache namespace: nope');
  });

  it('reports hit rates per namespace', async () => {
    const cache = l1Cache();
    await cache.getOrSet('items', 'a', async () => 1);
    cache.getOrSet('items', 'a', async () => 1);
    cache.getOrSet('items', 'a', async () => 1);
    expect(cache.stats().namespaces.items!.hitRate).toBeCloseTo(2 / 3);
  });
});
