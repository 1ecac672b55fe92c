import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

// Through nginx to the stack's gateway replicas, which share their limits in Redis. The search class
// (30 per minute per IP by default) is used because no other test calls it; its counter is reset
// first, since every request here comes from 127.0.0.1.
const SEARCH_LIMIT = Number(process.env.RATE_LIMIT_SEARCH ?? 30);
let gatewayRedis: RedisConnections;

beforeAll(async () => {
  gatewayRedis = new RedisConnections({
    env: redisEnvSchema.parse({ REDIS_URL: process.env.REDIS_URL }),
    service: 'gateway', // the gateway's key namespace
    logger: { info() {}, warn() {}, error() {} },
  });
  await gatewayRedis.whenReady('command', 5000);
  await gatewayRedis.command.del('rl:search:ip:127.0.0.1');
});

afterAll(async () => {
  await gatewayRedis.command.del('rl:search:ip:127.0.0.1');
  await gatewayRedis.close();
});

describe('rate limits through nginx', () => {
  it('let through the limit in total across the gateway replicas, then 429 with Retry-After', async () => {
    // ./stack test runs 2 gateway replicas (STACK_REPLICAS); nginx spreads these requests over them.
    const replicas = (process.env.GATEWAY_URLS ?? '').split(',').filter(Boolean).length;
    expect(replicas).toBeGreaterThan(0);
    const responses = await Promise.all(
      Array.from({ length: SEARCH_LIMIT + 15 }, async () => {
        const response = await fetch(`${stackEnv.publicUrl}/api/v1/restaurants/search?q=pizza`);
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
      }),
    );
    const refused = responses.filter((response) => response.status === 429);
    expect(responses.length - refused.length).toBe(SEARCH_LIMIT);
    expect(refused).toHaveLength(15);
    expect(Number(refused[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused[0]!.body)).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(responses.filter((response) => response.status >= 500)).toEqual([]);
  });
});
