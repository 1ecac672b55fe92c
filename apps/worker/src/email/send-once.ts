import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@tablestack/redis-client';

export type Claim =
  /** This attempt holds the key and must send, then call `markSent` (or `release` on failure). */
  | { state: 'claimed'; token: string }
  /** An earlier run sent it: do nothing. */
  | { state: 'sent' }
  /** Another run holds the key right now (or died holding it): try again after its lease. */
  | { state: 'busy' };

export interface SendOnceOptions {
  /** The `command` connection: keys are namespaced per service, commands fail fast. */
  redis: Pick<RedisClient, 'set' | 'get' | 'eval'>;
  /** How long a claim holds the key before another run may take it over. */
  leaseMs: number;
  /** How long "sent" is remembered. */
  sentTtlSeconds: number;
}

const SENT = 'sent';
const RELEASE_IF_OWNER =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * The idempotency key of side effects that cannot be undone (an email). SMTP has no idempotency of
 * its own, so the key is claimed with a lease before sending (SET NX PX) and turned into "sent"
 * after the server accepted the message. A run that finds "sent" does nothing; one that finds a live
 * claim backs off. Only a process that dies between the server's acceptance and `markSent` (a few
 * milliseconds) can cause a second send, after the lease expires: at-least-once, and once in
 * every other case.
 */
export class SendOnce {
  constructor(private readonly options: SendOnceOptions) {}

  async claim(key: string): Promise<Claim> {
    const token = randomUUID();
    const { redis, leaseMs } = this.options;
    if ((await redis.set(key, token, 'PX', leaseMs, 'NX')) === 'OK') return { state: 'claimed', token };
    return (await redis.get(key)) === SENT ? { state: 'sent' } : { state: 'busy' };
  }

  async markSent(key: string): Promise<void> {
    await this.options.redis.set(key, SENT, 'EX', this.options.sentTtlSeconds);
  }

  /** Gives the key up after a failed send, so the retry can claim it at once. */
  async release(key: string, token: string): Promise<void> {
    await this.options.redis.eval(RELEASE_IF_OWNER, 1, key, token);
  }
}
