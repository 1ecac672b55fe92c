import { RedisConnections } from '@tablestack/redis-client';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { Registry } from 'prom-client';
import { commandCounts } from '../redis-keys.js';
import { type Restaurant, restaurant } from '../restaurant.js';
import { type BenchContext, type Contender, cycle, freshIds } from './contender.js';

/**
 * bentocache as its docs set up a multi-tier cache: memory L1 (its defaults: values serialized),
 * Redis L2 and the Redis bus. It is given the command connection of a RedisConnections of its own,
 * so it pays what our cache pays per command (timeout timer, metrics) and its commands can be
 * counted; its bus duplicates the subscriber connection twice (publisher and subscriber).
 */
export async function bentocache(ctx: BenchContext): Promise<Contender> {
  const service = `cache-bench-${ctx.runId}-bento`;
  const redis = new RedisConnections({
    env: ctx.redisEnv,
    service,
    logger: ctx.logger,
    registry: new Registry(),
  });
  ctx.keyPrefixes.push(redis.keyPrefix);
  await redis.whenReady('command', ctx.redisEnv.REDIS_CONNECT_TIMEOUT_MS);
  await redis.whenReady('subscriber', ctx.redisEnv.REDIS_CONNECT_TIMEOUT_MS);

  // The store name is part of the bus channel, so that this run hears only itself.
  const storeName = `bench${ctx.runId}`;
  const bento = new BentoCache({
    default: storeName,
    stores: {
      [storeName]: bentostore()
        .useL1Layer(memoryDriver({ maxItems: ctx.l1MaxEntries }))
        .useL2Layer(redisDriver({ connection: redis.command }))
        .useBus(redisBusDriver({ connection: redis.subscriber })),
    },
  });
  // Its bus publishes on connections of its own, which the metrics do not see: count the messages.
  let published = 0;
  bento.on('bus:message:published', () => published++);
  const cache = bento.namespace('restaurant');
  const ttl = ctx.ttlMs;
  let loads = 0;
  const load = async (id: string): Promise<Restaurant> => {
    loads++;
    return restaurant(id);
  };
  const getOrSet = (id: string) => cache.getOrSet({ key: id, ttl, factory: () => load(id) });

  for (const id of ctx.poolIds) await getOrSet(id);
  const warmHot = async () => {
    for (const id of ctx.hotIds) await getOrSet(id);
  };
  await warmHot();
  const nextHot = cycle(ctx.hotIds);
  const nextPooled = cycle(ctx.poolIds);
  const nextFresh = freshIds('miss-');

  return {
    library: 'bentocache',
    loads: () => loads,
    counters: async () => ({ ...(await commandCounts(redis)), 'bus.published': published }),
    cases: [
      {
        name: 'bentocache l1-hit',
        library: 'bentocache',
        path: 'l1-hit',
        batched: true,
        prepare: warmHot,
        run: () => getOrSet(nextHot()),
      },
      {
        name: 'bentocache l2-hit',
        library: 'bentocache',
        path: 'l2-hit',
        batched: false,
        run: () => getOrSet(nextPooled()),
      },
      {
        name: 'bentocache miss',
        library: 'bentocache',
        path: 'miss',
        batched: false,
        run: () => getOrSet(nextFresh()),
      },
    ],
    close: async () => {
      // bentocache disconnects the connections it was given: close RedisConnections after it.
      await bento.disconnectAll();
      await redis.close();
    },
  };
}
