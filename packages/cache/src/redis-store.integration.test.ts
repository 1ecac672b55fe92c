import { randomUUID } from 'node:crypto';
import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import { describeCacheStore } from './cache-store.contract.js';
import { RedisStore } from './redis-store.js';

// The same contract as the memory store, against the stack's real Redis. Each test gets its own
// service namespace, so keys never collide with other tests or services.
describeCacheStore('redis', async () => {
  const redis = new RedisConnections({
    env: redisEnvSchema.parse({ REDIS_URL: process.env.REDIS_URL }),
    service: `cache-contract-${randomUUID().slice(0, 8)}`,
    logger: { info() {}, warn() {}, error() {} },
  });
  await redis.whenReady('command', 5000);
  return { store: new RedisStore(redis.command, redis.keyPrefix), teardown: () => redis.close() };
});
