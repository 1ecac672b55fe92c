import { RedisConnections } from '@tablestack/redis-client';
import { do_not_optimize } from 'mitata';
import { Registry } from 'prom-client';
import { Cache, cacheEnvSchema } from '../../src/index.js';
import { commandCounts } from '../redis-keys.js';
import { type Restaurant, restaurant } from '../restaurant.js';
import { type BenchContext, type Contender, cycle, freshIds } from './contender.js';

/**
 * Our cache as a service builds it: its own RedisConnections (L2 on the command connection, the bus
 * on the subscriber), default env but for the L1 bound, started (subscribed to the bus). Read from
 * `src`, so the run measures the code as it is now, built or not.
 */
export async function tablestack(ctx: BenchContext): Promise<Contender> {
  const registry = new Registry();
  const redis = new RedisConnections({
    env: ctx.redisEnv,
    service: `cache-bench-${ctx.runId}`,
    logger: ctx.logger,
    registry,
  });
  ctx.keyPrefixes.push(redis.keyPrefix);
  await redis.whenReady('command', ctx.redisEnv.REDIS_CONNECT_TIMEOUT_MS);
  const cache = new Cache({
    redis,
    env: cacheEnvSchema.parse({ CACHE_L1_MAX_ENTRIES: String(ctx.l1MaxEntries) }),
    logger: ctx.logger,
    registry,
    // A short grace so that the keys of a crashed run expire soon (the default keeps them 6 h more).
    namespaces: { restaurant: { ttlMs: ctx.ttlMs, graceMs: 60_000 } },
  });
  await cache.start();
  let loads = 0;
  const load = async (id: string): Promise<Restaurant> => {
    loads++;
    return restaurant(id);
  };

  for (const id of ctx.poolIds) await cache.getOrSet('restaurant', id, () => load(id));
  const warmHot = async () => {
    for (const id of ctx.hotIds) await cache.getOrSet('restaurant', id, () => load(id));
  };
  await warmHot();
  const nextHot = cycle(ctx.hotIds);
  const nextPooled = cycle(ctx.poolIds);
  const nextFresh = freshIds('miss-');
  const getOrSet = (id: string) => cache.getOrSet('restaurant', id, () => load(id));

  return {
    library: 'tablestack',
    loads: () => loads,
    counters: async () => {
      const stats = cache.stats().namespaces.restaurant!;
      return {
        ...(await commandCounts(redis)),
        'stats.l1Hits': stats.l1Hits,
        'stats.l2Hits': stats.l2Hits,
        'stats.misses': stats.misses,
      };
    },
    cases: [
      {
        name: 'tablestack l1-hit',
        library: 'tablestack',
        path: 'l1-hit',
        batched: true,
        prepare: warmHot,
        // The value comes back synchronously: no promise is made, none is awaited.
        run: () => do_not_optimize(getOrSet(nextHot())),
      },
      {
        name: 'tablestack l1-hit (awaited)',
        library: 'tablestack',
        path: 'l1-hit',
        batched: true,
        prepare: warmHot,
        run: async () => await getOrSet(nextHot()),
        note: 'what a caller that writes `await cache.getOrSet(...)` pays on an L1 hit',
      },
      {
        name: 'tablestack l2-hit',
        library: 'tablestack',
        path: 'l2-hit',
        batched: false,
        run: () => getOrSet(nextPooled()),
      },
      {
        name: 'tablestack miss',
        library: 'tablestack',
        path: 'miss',
        batched: false,
        run: () => getOrSet(nextFresh()),
      },
    ],
    close: async () => {
      await cache.close();
      await redis.close();
    },
  };
}
