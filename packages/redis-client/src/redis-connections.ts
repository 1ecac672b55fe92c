import { Cluster, Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { clusterOptionsFor, keyPrefixFor, queuePrefixFor, redisOptionsFor } from './connection-options.js';
import type { ConnectionRole } from './connection-role.js';
import { instrumentCommands } from './instrument-commands.js';
import type { RedisLogger } from './logger.js';
import type { RedisEnv } from './redis-env.js';
import { RedisMetrics } from './redis-metrics.js';

export type RedisClient = Redis | Cluster;

export interface RedisConnectionsOptions {
  env: RedisEnv;
  /** Service name: namespaces keys and channels, names connections in CLIENT LIST. */
  service: string;
  logger: RedisLogger;
  /** Registry for the connection metrics (the service's /metrics registry). @default a new one */
  registry?: Registry;
  /** Time `close()` gives each connection to QUIT before it is cut. @default 1000 */
  closeTimeoutMs?: number;
}

/** Closing order: stop receiving first, then the queue, and the command connection last. */
const closeOrder: readonly ConnectionRole[] = ['subscriber', 'queue', 'command'];

/**
 * The Redis connections of one process: at most one per role, made on first use and shared by every
 * caller (cache, rate limiter, bus, queues). Nothing else in the repository creates Redis clients.
 */
export class RedisConnections {
  readonly keyPrefix: string;
  readonly queuePrefix: string;
  readonly metrics: RedisMetrics;
  readonly #clients = new Map<ConnectionRole, RedisClient>();
  readonly #options: RedisConnectionsOptions;
  #closed = false;

  constructor(options: RedisConnectionsOptions) {
    this.#options = options;
    this.keyPrefix = keyPrefixFor(options);
    this.queuePrefix = queuePrefixFor(options.env);
    this.metrics = new RedisMetrics(options.registry ?? new Registry());
  }

  /** Request-path commands; keys are prefixed with `keyPrefix` automatically. Fails fast when Redis is down. */
  get command(): RedisClient {
    return this.#get('command');
  }

  /** Pub/sub; use `channel()` for names. */
  get subscriber(): RedisClient {
    return this.#get('subscriber');
  }

  /** For BullMQ's `connection` (with `prefix: queuePrefix`). */
  get queue(): RedisClient {
    return this.#get('queue');
  }

  /** Channel names are not touched by ioredis' keyPrefix, so they are namespaced here. */
  channel(name: string): string {
    return `${this.keyPrefix}${name}`;
  }

  /** The roles opened so far (for tests and /admin/stats). */
  openRoles(): ConnectionRole[] {
    return [...this.#clients.keys()];
  }

  /**
   * Opens connections now rather than on first use, so that the first requests after boot do not
   * meet a connection that is still connecting (the command role has no offline queue and would
   * fail them). Call it at boot; it never throws (an unreachable Redis is reported by /ready).
   */
  warmUp(...roles: ConnectionRole[]): void {
    for (const role of roles) this.#get(role);
  }

  /** For /ready: PING on the command connection, after waiting (up to the connect timeout) for it to be ready. */
  async ping(): Promise<void> {
    await this.whenReady('command', this.#options.env.REDIS_CONNECT_TIMEOUT_MS);
    const answer = await this.command.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
  }

  /** Resolves when the role's connection is ready, or rejects after `timeoutMs`. */
  async whenReady(role: ConnectionRole, timeoutMs: number): Promise<void> {
    const client = this.#get(role);
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error(`redis ${role} connection not ready after ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
  }

  /** QUITs every open connection in order (cut after the timeout); later use throws. */
  async close(): Promise<void> {
    this.#closed = true;
    const timeoutMs = this.#options.closeTimeoutMs ?? 1000;
    for (const role of closeOrder) {
      const client = this.#clients.get(role);
      if (!client) continue;
      this.#clients.delete(role);
      try {
        await Promise.race([
          client.quit(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('quit timed out')), timeoutMs)),
        ]);
      } catch {
        client.disconnect();
      }
      this.metrics.connectionState(role, false);
    }
  }

  #get(role: ConnectionRole): RedisClient {
    if (this.#closed) throw new Error('redis connections are closed');
    let client = this.#clients.get(role);
    if (!client) {
      client = this.#create(role);
      this.#clients.set(role, client);
    }
    return client;
  }

  #create(role: ConnectionRole): RedisClient {
    const { env, logger } = this.#options;
    const client = env.REDIS_CLUSTER_NODES
      ? new Cluster(env.REDIS_CLUSTER_NODES, clusterOptionsFor(role, this.#options))
      : new Redis(redisOptionsFor(role, this.#options));
    const where = env.REDIS_CLUSTER_NODES
      ? 'cluster'
      : env.REDIS_SENTINELS
        ? `sentinel:${env.REDIS_SENTINEL_MASTER}`
        : redactUrl(env.REDIS_URL);
    instrumentCommands(client, role, this.metrics);
    this.metrics.connectionState(role, false);
    let wasReady = false;
    client.on('ready', () => {
      this.metrics.connectionState(role, true);
      logger.info({ role, where }, wasReady ? 'redis reconnected' : 'redis connected');
      wasReady = true;
    });
    client.on('close', () => {
      this.metrics.connectionState(role, false);
      if (wasReady && !this.#closed) logger.warn({ role, where }, 'redis connection lost');
    });
    client.on('reconnecting', () => this.metrics.reconnects.inc({ role }));
    // Without an 'error' listener ioredis would crash the process on a connection error. Repeated
    // errors while Redis stays down are logged once per outage, not on every retry.
    let lastError = '';
    client.on('error', (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      logger.error({ role, where, err: { message: error.message } }, 'redis error');
    });
    client.on('ready', () => {
      lastError = '';
    });
    return client;
  }
}

/** Never log a password that sits in a URL. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
