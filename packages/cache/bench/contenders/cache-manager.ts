import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import { CacheableMemory } from 'cacheable';
import { Keyv } from 'keyv';
import { type Restaurant, restaurant } from '../restaurant.js';
import { type BenchContext, type Contender, cycle, freshIds } from './contender.js';

/**
 * cache-manager 7 as its README sets up two tiers: a Keyv over cacheable's CacheableMemory (LRU + TTL,
 * its default `useClone: true`) in front of a Keyv over @keyv/redis. @keyv/redis is built on
 * node-redis (@redis/client), not ioredis, so this contender opens its own connection (nothing else
 * in the workspace uses that client); its L2 reads and writes are counted at the Keyv in front of it.
 */
export async function cacheManager(ctx: BenchContext): Promise<Contender> {
  const namespace = `${ctx.redisEnv.REDIS_KEY_PREFIX}:cache-bench-${ctx.runId}-cm`;
  ctx.keyPrefixes.push(`${namespace}:`);
  const l2 = new Keyv({ store: new KeyvRedis(ctx.redisEnv.REDIS_URL), namespace });
  const l2Calls = { 'l2.get': 0, 'l2.set': 0 };
  const [get, set] = [l2.get.bind(l2), l2.set.bind(l2)];
  l2.get = ((...args: Parameters<typeof get>) => {
    l2Calls['l2.get']++;
    return get(...args);
  }) as typeof l2.get;
  l2.set = ((...args: Parameters<typeof set>) => {
    l2Calls['l2.set']++;
    return set(...args);
  }) as typeof l2.set;
  const cache = createCache({
    stores: [new Keyv({ store: new CacheableMemory({ ttl: ctx.ttlMs, lruSize: ctx.l1MaxEntries }) }), l2],
    ttl: ctx.ttlMs,
  });
  let loads = 0;
  const load = async (id: string): Promise<Restaurant> => {
    loads++;
    return restaurant(id);
  };
  const wrap = (id: string) => cache.wrap(`restaurant:${id}`, () => load(id));

  for (const id of ctx.poolIds) await wrap(id);
  const warmHot = async () => {
    for (const id of ctx.hotIds) await wrap(id);
  };
  await warmHot();
  const nextHot = cycle(ctx.hotIds);
  const nextPooled = cycle(ctx.poolIds);
  const nextFresh = freshIds('miss-');

  return {
    library: 'cache-manager',
    loads: () => loads,
    counters: async () => ({ ...l2Calls }),
    cases: [
      {
        name: 'cache-manager l1-hit',
        library: 'cache-manager',
        path: 'l1-hit',
        batched: true,
        prepare: warmHot,
        run: () => wrap(nextHot()),
      },
      {
        name: 'cache-manager l2-hit',
        library: 'cache-manager',
        path: 'l2-hit',
        batched: false,
        run: () => wrap(nextPooled()),
      },
      {
        name: 'cache-manager miss',
        library: 'cache-manager',
        path: 'miss',
        batched: false,
        run: () => wrap(nextFresh()),
      },
    ],
    close: () => cache.disconnect(),
  };
}
