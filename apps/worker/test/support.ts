// Shared set-up of the worker's integration tests: real Postgres, Redis and maildev from the stack's
// env, and a unique namespace per test so tests never see each other's queues, keys or outbox rows.
import { randomUUID } from 'node:crypto';
import { Database, dbEnvSchema } from '@tablestack/db';
import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import { createLogger, type Logger } from '@tablestack/service-kit';
import { Registry } from 'prom-client';

export function requireEnv(name: 'DATABASE_URL' | 'REDIS_URL' | 'SMTP_URL' | 'MAIL_API_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through ./stack test`);
  return value;
}

export const logger: Logger = createLogger({
  name: 'worker-it',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});

/** A short unique id for queue prefixes, outbox routes and email addresses. */
export function uniqueId(label: string): string {
  return `${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export function openDatabase(): Database {
  return new Database({
    env: dbEnvSchema.parse({ DATABASE_URL: requireEnv('DATABASE_URL'), DB_POOL_TIMEOUT: '5000' }),
    logger,
    service: 'worker-it',
  });
}

/** Connections whose queue prefix and key prefix are unique to `namespace`. */
export function openRedis(namespace: string, url = requireEnv('REDIS_URL'), registry = new Registry()) {
  return new RedisConnections({
    env: redisEnvSchema.parse({
      REDIS_URL: url,
      REDIS_KEY_PREFIX: `it_${namespace}`,
      REDIS_CONNECT_TIMEOUT_MS: '1000',
    }),
    service: 'worker',
    logger,
    registry,
  });
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Deletes every key of a BullMQ prefix (the test's queues) through the given connection. */
export async function deleteKeys(redis: RedisConnections, pattern: string): Promise<void> {
  const client = redis.queue;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
