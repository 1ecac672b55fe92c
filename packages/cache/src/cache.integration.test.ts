import { randomUUID } from 'node:crypto';
import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import { TcpFaultProxy } from '@tablestack/test-tooling';
import { afterEach, describe, expect, it } from 'vitest';
import { Cache } from './cache.js';
import { cacheEnvSchema } from './cache-env.js';

// Two Cache instances, each with its own Redis connections, stand for two replicas of one service.
// They share the stack's real Redis (REDIS_URL); each test uses its own service name, so its keys
// and bus channel are its own.
const silent = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const opened: Array<{ cache: Cache; redis: RedisConnections }> = [];

async function replicas(
  count: number,
  options: { redisUrl?: string; env?: Record<string, string>; distributed?: boolean } = {},
) {
  const service = `cache-it-${randomUUID().slice(0, 8)}`;
  const made: Cache[] = [];
  for (let index = 0; index < count; index += 1) {
    const redis = new RedisConnections({
      env: redisEnvSchema.parse({
        REDIS_URL: options.redisUrl ?? process.env.REDIS_URL,
        REDIS_CONNECT_TIMEOUT_MS: '300',
        REDIS_COMMAND_TIMEOUT_MS: '300',
      }),
      service,
      logger: silent,
    });
    const cache = new Cache({
      env: cacheEnvSchema.parse({
        CACHE_INVALIDATION_HOLD_MS: '500',
        CACHE_L2_COOLDOWN_MS: '300',
        ...options.env,
      }),
      logger: silent,
      redis,
      namespaces: { restaurant: { ttlMs: 60_000, distributed: options.distributed ?? false } },
    });
    await redis.whenReady('command', 5000);
    await cache.start();
    opened.push({ cache, redis });
    made.push(cache);
  }
  return made;
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** A loader standing for the database: counts calls, answers the current row, can be held. */
function database(initial: string) {
  const db = {
    row: initial,
    loads: 0,
    gate: undefined as Promise<void> | undefined,
    open: () => {},
    hold() {
      db.gate = new Promise((resolve) => {
        db.open = () => {
          db.gate = undefined;
          resolve();
        };
      });
    },
    load: async () => {
      db.loads++;
      const seen = db.row; // what the query read
      if (db.gate) await db.gate;
      return seen;
    },
  };
  return db;
}

afterEach(async () => {
  for (const { cache, redis } of opened.splice(0)) {
    await cache.close();
    await redis.close();
  }
});

describe('two replicas on one Redis', () => {
  it('an invalidation on one reaches the other one’s L1', async () => {
    const [a, b] = await replicas(2);
    const db = database('v1');
    expect(await a!.getOrSet('restaurant', 'r1', db.load)).toBe('v1');
    expect(await b!.getOrSet('restaurant', 'r1', db.load)).toBe('v1'); // from L2
    await until('b filled its L1 from L2', () => b!.l1.get('restaurant:r1') !== undefined);
    expect(db.loads).toBe(1);

    db.row = 'v2';
    await a!.invalidate('restaurant', 'r1');
    await until('b dropped the key from L1', () => b!.l1.get('restaurant:r1') === undefined);
    await sleep(550); // past the hold
    expect(await b!.getOrSet('restaurant', 'r1', db.load)).toBe('v2');
    expect(await a!.getOrSet('restaurant', 'r1', db.load)).toBe('v2');
  });

  it('a tag invalidation reaches the other replica and makes L2 entries invalid', async () => {
    const [a, b] = await replicas(2);
    const db = database('v1');
    await a!.getOrSet('restaurant', 'list:lisbon', db.load, { tags: ['city:lisbon'] });
    await b!.getOrSet('restaurant', 'list:lisbon', db.load, { tags: ['city:lisbon'] });
    expect(db.loads).toBe(1);
    db.row = 'v2';
    await a!.invalidateTags('city:lisbon');
    await until('b dropped the tagged key', () => b!.l1.get('restaurant:list:lisbon') === undefined);
    await sleep(550);
    expect(await b!.getOrSet('restaurant', 'list:lisbon', db.load, { tags: ['city:lisbon'] })).toBe('v2');
  });

  it('500 concurrent misses cause one load per process', async () => {
    const [a, b] = await replicas(2);
    const db = database('v');
    db.hold();
    const calls = [a!, b!].flatMap((cache) =>
      Array.from({ length: 500 }, () => cache.getOrSet('restaurant', 'hot', db.load)),
    );
    await sleep(50);
    db.open();
    expect(new Set(await Promise.all(calls))).toEqual(new Set(['v']));
    expect(db.loads).toBe(2);
  });

  it('with the distributed option, 500 concurrent misses on each replica cause one load in all', async () => {
    const [a, b] = await replicas(2, { distributed: true });
    const db = database('v');
    db.hold();
    const calls = [a!, b!].flatMap((cache) =>
      Array.from({ length: 500 }, () => cache.getOrSet('restaurant', 'hot', db.load)),
    );
    await sleep(100);
    db.open();
    expect(new Set(await Promise.all(calls))).toEqual(new Set(['v']));
    expect(db.loads).toBe(1);
  });

  it('a load racing an invalidation does not bring the old value back, on either replica', async () => {
    const [a, b] = await replicas(2);
    const db = database('old');
    db.hold();
    const racing = a!.getOrSet('restaurant', 'r1', db.load); // reads "old", then stalls
    await until('the load started', () => db.loads === 1);
    db.row = 'new';
    await b!.invalidate('restaurant', 'r1'); // the write path: invalidate before answering
    db.open();
    expect(await racing).toBe('old'); // that caller asked before the write
    expect(a!.l1.get('restaurant:r1')).toBeUndefined();
    expect(await b!.getOrSet('restaurant', 'r1', db.load)).toBe('new');
    await sleep(550);
    expect(await a!.getOrSet('restaurant', 'r1', db.load)).toBe('new');
    expect(await b!.getOrSet('restaurant', 'r1', db.load)).toBe('new');
  });

  it('a load reading a lagging replica right after the write does not re-cache the old value', async () => {
    const [a, b] = await replicas(2);
    await a!.getOrSet('restaurant', 'r1', async () => 'old');
    await a!.invalidate('restaurant', 'r1');
    // Within the hold, b's load reads a replica that has not replayed the write yet.
    expect(await b!.getOrSet('restaurant', 'r1', async () => 'old')).toBe('old');
    expect(b!.l1.get('restaurant:r1')).toBeUndefined();
    expect(await a!.getOrSet('restaurant', 'r1', async () => 'new')).toBe('new');
    await sleep(550);
    expect(await a!.getOrSet('restaurant', 'r1', async () => 'new')).toBe('new');
    expect(await b!.getOrSet('restaurant', 'r1', async () => 'not called')).toBe('new');
  });
});

describe('Redis outage', () => {
  it('reads keep answering from L1 and the loader while Redis is stopped, and L2 is used again after', async () => {
    const redisPort = Number(new URL(process.env.REDIS_URL!).port);
    const proxy = await new TcpFaultProxy({ target: { host: '127.0.0.1', port: redisPort } }).start();
    try {
      const [a, b] = await replicas(2, { redisUrl: proxy.rewrite(process.env.REDIS_URL!) });
      const db = database('v1');
      await a!.getOrSet('restaurant', 'cached', db.load);

      proxy.setMode('refuse');
      // Each read answers (none throws, none waits for Redis): L1 for what a has, the loader otherwise.
      const answers = await Promise.all([
        a!.getOrSet('restaurant', 'cached', db.load),
        b!.getOrSet('restaurant', 'cached', db.load),
        b!.getOrSet('restaurant', 'new-key', db.load),
      ]);
      expect(answers).toEqual(['v1', 'v1', 'v1']);
      expect(b!.stats().namespaces.restaurant!.l2Errors).toBeGreaterThan(0);
      expect(b!.stats().l2.available).toBe(false);

      // A write during the outage: invalidated locally now, in L2 when it is back.
      db.row = 'v2';
      await a!.invalidate('restaurant', 'cached');
      expect(await a!.getOrSet('restaurant', 'cached', db.load)).toBe('v2');

      proxy.setMode('pass');
      await sleep(350); // past the L2 cool-down
      await until('L2 in use again', async () => {
        await a!.getOrSet('restaurant', `probe-${Date.now()}`, async () => 'p');
        return a!.stats().l2.available;
      });
      // L2 no longer holds the value invalidated during the outage, and serves hits again.
      b!.l1.clear();
      await sleep(550);
      expect(await b!.getOrSet('restaurant', 'cached', db.load)).toBe('v2');
      await b!.getOrSet('restaurant', 'shared', async () => 's');
      a!.l1.clear();
      const hitsBefore = a!.stats().namespaces.restaurant!.l2Hits;
      expect(await a!.getOrSet('restaurant', 'shared', async () => 'not called')).toBe('s');
      expect(a!.stats().namespaces.restaurant!.l2Hits).toBe(hitsBefore + 1);
    } finally {
      await proxy.stop();
    }
  });
});
