// The gateway's rate-limit counters of 127.0.0.1 in Redis. Every gateway (the stack's and those the
// bench or the drills start) keys its public limits by client IP in the same Redis, and every local
// client is 127.0.0.1; after thousands of requests the stack's own gateway would refuse loopback for
// the rest of the minute. Deleting them afterwards hands the stack back as it was.

import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';

const ipClasses = ['public-read', 'public-write', 'search'];

export async function resetLoopbackLimits(redisUrl: string): Promise<void> {
  const redis = new RedisConnections({
    env: redisEnvSchema.parse({ REDIS_URL: redisUrl }),
    service: 'gateway',
    logger: { info() {}, warn() {}, error() {} },
  });
  try {
    await redis.whenReady('command', 5000);
    await redis.command.del(...ipClasses.map((name) => `rl:${name}:ip:127.0.0.1`));
  } catch {
    // Redis down (a drill stopped it): nothing to reset, the counters expire within their minute.
  } finally {
    await redis.close();
  }
}
