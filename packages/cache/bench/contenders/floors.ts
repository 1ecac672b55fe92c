import { RedisConnections } from '@tablestack/redis-client';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { do_not_optimize } from 'mitata';
import { type Restaurant, restaurant } from '../restaurant.js';
import { type BenchContext, type Contender, cycle } from './contender.js';

/**
 * The floors: what an L1 hit and an L2 hit cannot beat. `lru-cache get` of a prebuilt key (the LRU our
 * L1 and bentocache's are built on), and a GET + JSON.parse on a bare ioredis client of its own (the
 * one Redis client the bench creates itself). A third, informational case does the same GET on a
 * command connection of @tablestack/redis-client, which every cache in the app goes through: it
 * separates what the connection's policy costs (command timeout timer, metrics, key prefix) from
 * what a cache adds on top.
 */
export async function floors(ctx: BenchContext): Promise<Contender & { raw: Redis }> {
  const lru = new LRUCache<string, Restaurant>({ max: ctx.l1MaxEntries });
  const hotKeys = ctx.hotIds.map((id) => `restaurant:${id}`);
  for (const [index, key] of hotKeys.entries()) lru.set(key, restaurant(ctx.hotIds[index]!));
  const nextHotKey = cycle(hotKeys);

  const keyPrefix = `${ctx.redisEnv.REDIS_KEY_PREFIX}:cache-bench-${ctx.runId}-floor:`;
  ctx.keyPrefixes.push(keyPrefix);
  const raw = new Redis(ctx.redisEnv.REDIS_URL, {
    connectionName: `cache-bench-${ctx.runId}-floor-raw`,
    // A bench has nothing to wait for: fail at once when Redis is not there.
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  raw.on('error', (error: Error) =>
    ctx.logger.error({ err: { message: error.message } }, 'raw ioredis client error'),
  );
  const redis = new RedisConnections({
    env: ctx.redisEnv,
    service: `cache-bench-${ctx.runId}-floor`,
    logger: ctx.logger,
  });
  await redis.whenReady('command', ctx.redisEnv.REDIS_CONNECT_TIMEOUT_MS);
  const pipeline = raw.pipeline();
  for (const id of ctx.poolIds) {
    pipeline.set(`${keyPrefix}restaurant:${id}`, JSON.stringify(restaurant(id)), 'PX', ctx.ttlMs);
  }
  await pipeline.exec();
  const nextRawKey = cycle(ctx.poolIds.map((id) => `${keyPrefix}restaurant:${id}`));
  // The command connection adds its prefix itself.
  const nextPrefixedKey = cycle(ctx.poolIds.map((id) => `restaurant:${id}`));
  const command = redis.command;

  return {
    library: 'floors',
    raw,
    loads: () => 0,
    cases: [
      {
        name: 'lru-cache get',
        library: 'lru-cache',
        path: 'floor',
        batched: true,
        run: () => do_not_optimize(lru.get(nextHotKey())),
      },
      {
        name: 'ioredis GET + JSON.parse',
        library: 'ioredis',
        path: 'floor',
        batched: false,
        run: async () => JSON.parse((await raw.get(nextRawKey()))!) as Restaurant,
      },
      {
        name: 'ioredis GET + JSON.parse (redis-client command connection)',
        library: 'ioredis',
        path: 'floor',
        batched: false,
        run: async () => JSON.parse((await command.get(nextPrefixedKey()))!) as Restaurant,
        note: "the app's connection policy (command timeout, metrics, key prefix) without any cache",
      },
    ],
    close: async () => {
      await redis.close();
      // `raw` stays open: the run deletes its keys with it, then quits it.
    },
  };
}
