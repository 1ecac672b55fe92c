import { describe, expect, it } from 'vitest';
import {
  clusterOptionsFor,
  keyPrefixFor,
  queuePrefixFor,
  redisOptionsFor,
  retryStrategy,
} from './connection-options.js';
import { redisEnvSchema } from './redis-env.js';

const env = redisEnvSchema.parse({
  REDIS_URL: 'redis://:s3cret@cache.internal:6380/2',
  REDIS_COMMAND_TIMEOUT_MS: '250',
});
const settings = { env, service: 'user-service' };

describe('redis connection options', () => {
  it('makes the command connection fail fast and namespaced', () => {
    expect(redisOptionsFor('command', settings)).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      db: 2,
      password: 's3cret',
      keyPrefix: 'tablestack:user-service:',
      commandTimeout: 250,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectionName: `user-service:command:${process.pid}`,
    });
  });

  it.each(['subscriber', 'queue'] as const)(
    'lets the %s connection wait out an outage, without keyPrefix',
    (role) => {
      const options = redisOptionsFor(role, settings);
      expect(options.maxRetriesPerRequest).toBeNull();
      expect(options.keyPrefix).toBeUndefined();
      expect(options.commandTimeout).toBeUndefined();
    },
  );

  it('uses sentinels when configured', () => {
    const sentinelEnv = redisEnvSchema.parse({
      REDIS_SENTINELS: 's1:26379, s2:26379',
      REDIS_SENTINEL_MASTER: 'main',
    });
    expect(redisOptionsFor('command', { env: sentinelEnv, service: 'x' })).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'main',
    });
  });

  it('builds cluster options with a hash-tagged queue prefix', () => {
    const clusterEnv = redisEnvSchema.parse({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' });
    expect(clusterEnv.REDIS_CLUSTER_NODES).toEqual([
      { host: 'n1', port: 7000 },
      { host: 'n2', port: 7001 },
    ]);
    expect(queuePrefixFor(clusterEnv)).toBe('{tablestack:bull}');
    expect(queuePrefixFor(env)).toBe('tablestack:bull');
    const options = clusterOptionsFor('command', { env: clusterEnv, service: 'x' });
    expect(options.keyPrefix).toBe('tablestack:x:');
    expect(options.redisOptions).not.toHaveProperty('host');
    expect(options.enableOfflineQueue).toBe(false);
  });

  it('backs off up to 2 s and never gives up', () => {
    expect([0, 1, 2, 3, 10, 1000].map(retryStrategy)).toEqual([50, 100, 200, 400, 2000, 2000]);
  });

  it.each([
    ['REDIS_URL', 'http://x'],
    ['REDIS_SENTINELS', 'no-port'],
    ['REDIS_KEY_PREFIX', 'has space'],
    ['REDIS_COMMAND_TIMEOUT_MS', '0'],
  ])('rejects a bad %s', (name, value) => {
    expect(redisEnvSchema.safeParse({ [name]: value }).success).toBe(false);
  });

  it('namespaces keys per service', () => {
    expect(keyPrefixFor({ env, service: 'gateway' })).toBe('tablestack:gateway:');
  });
});
