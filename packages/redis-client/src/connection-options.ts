import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { ConnectionRole } from './connection-role.js';
import type { RedisEnv } from './redis-env.js';

export interface ConnectionSettings {
  env: RedisEnv;
  /** Service name: becomes part of the key prefix and of the connection name in CLIENT LIST. */
  service: string;
}

/** Key prefix of the command connection: `<REDIS_KEY_PREFIX>:<service>:`. */
export function keyPrefixFor(settings: ConnectionSettings): string {
  return `${settings.env.REDIS_KEY_PREFIX}:${settings.service}:`;
}

/**
 * BullMQ's own prefix (it refuses ioredis' keyPrefix). Queues are shared between producers and the
 * worker, so the prefix is not per service. In a cluster it is a hash tag so a queue's keys share a slot.
 */
export function queuePrefixFor(env: RedisEnv): string {
  return env.REDIS_CLUSTER_NODES ? `{${env.REDIS_KEY_PREFIX}:bull}` : `${env.REDIS_KEY_PREFIX}:bull`;
}

/** Reconnect quickly at first, then at most every 2 s, forever: a service outlives a Redis restart. */
export function retryStrategy(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), 2000);
}

/** ioredis options of one role (pure, so the policy is unit-tested). */
export function redisOptionsFor(role: ConnectionRole, settings: ConnectionSettings): RedisOptions {
  const { env } = settings;
  const url = new URL(env.REDIS_URL);
  const common: RedisOptions = {
    connectionName: `${settings.service}:${role}:${process.pid}`,
    connectTimeout: env.REDIS_CONNECT_TIMEOUT_MS,
    // CLIENT SETINFO exists from Redis 7.2 on; against older servers it only adds a failed command.
    disableClientInfo: true,
    retryStrategy,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const location: RedisOptions = env.REDIS_SENTINELS
    ? { sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_MASTER }
    : { host: url.hostname, port: Number(url.port || 6379) };

  switch (role) {
    case 'command':
      return {
        ...common,
        ...location,
        keyPrefix: keyPrefixFor(settings),
        commandTimeout: env.REDIS_COMMAND_TIMEOUT_MS,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      };
    case 'subscriber':
      // Subscriptions are replayed by ioredis after a reconnect; the offline queue lets subscribe()
      // be called before the first connect completes.
      return { ...common, ...location, maxRetriesPerRequest: null, enableOfflineQueue: true };
    case 'queue':
      return { ...common, ...location, maxRetriesPerRequest: null, enableOfflineQueue: true };
  }
}

export function clusterOptionsFor(role: ConnectionRole, settings: ConnectionSettings): ClusterOptions {
  const {
    host: _host,
    port: _port,
    sentinels: _sentinels,
    name: _name,
    keyPrefix,
    ...redisOptions
  } = redisOptionsFor(role, settings);
  return {
    redisOptions,
    clusterRetryStrategy: retryStrategy,
    enableOfflineQueue: redisOptions.enableOfflineQueue ?? true,
    ...(keyPrefix ? { keyPrefix } : {}),
  };
}
