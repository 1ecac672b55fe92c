import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADERS, type Role } from '@tablestack/auth';
import { Cache } from '@tablestack/cache';
import { Database } from '@tablestack/db';
import { RedisConnections } from '@tablestack/redis-client';
import { createLogger } from '@tablestack/service-kit';
import { type Env, envSchema } from '../src/env.js';
import { createServer } from '../src/server.js';

/**
 * The user-service in-process on the stack's real Postgres and Redis (DATABASE_URL,
 * DATABASE_REPLICA_URLS, REDIS_URL, as `./stack test` and `.stack/dev/stack.env` provide), reached with
 * fetch over a real socket. Each harness has its own Redis namespace and email domain, and `close()`
 * deletes the rows and keys it made.
 */
export interface Harness {
  base: string;
  env: Env;
  db: Database;
  redis: RedisConnections;
  /** A fresh address in this harness's own domain (cleaned up by close). */
  email(label?: string): string;
  /** Every answer so far, for the "no 500, no stack" check. */
  responses: Array<{ status: number; body: string; what: string }>;
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface RequestOptions {
  /** Serialized as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  /** Identity headers as the gateway sets them (with the internal secret). */
  as?: { userId: string; role: Role };
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
  text: string;
}

const silent = createLogger({ name: 'user-service', level: 'silent' });

export async function startUserService(overrides: Record<string, string> = {}): Promise<Harness> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error(
      'DATABASE_URL and REDIS_URL must point at the stack (./stack test, or .stack/dev/stack.env)',
    );
  const run = randomUUID().slice(0, 8);
  const env = envSchema.parse({
    ...process.env,
    PORT: '1',
    REDIS_CONNECT_TIMEOUT_MS: '500',
    REDIS_COMMAND_TIMEOUT_MS: '300',
    CACHE_L2_COOLDOWN_MS: '300',
    ...overrides,
  });
  const db = new Database({ env, logger: silent, service: 'user-service-it' }).start();
  const redis = new RedisConnections({ env, service: `user-service-it-${run}`, logger: silent });
  await redis.whenReady('command', 2000).catch(() => {}); // some tests run with Redis unreachable on purpose
  const cache = await new Cache({ env, logger: silent, redis }).start();
  const service = createServer({ env, logger: silent, accounts: { env, db, cache, redis: redis.command } });
  const server: Server = service.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const domain = `it-${run}.example.test`;
  const responses: Harness['responses'] = [];
  let made = 0;

  let lastWritePosition: string | undefined;
  return {
    base,
    env,
    db,
    redis,
    responses,
    email: (label = 'user') => `${label}-${++made}@${domain}`,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      // As the gateway does for a user: the WAL position of the last write goes with the next
      // requests, so their reads see it even when the replicas lag (a busy machine makes them lag).
      if (lastWritePosition) headers['x-db-lsn'] ??= lastWritePosition;
      if (options.json !== undefined || options.raw !== undefined)
        headers['content-type'] ??= 'application/json';
      if (options.as) {
        headers[IDENTITY_HEADERS.userId] = options.as.userId;
        headers[IDENTITY_HEADERS.role] = options.as.role;
        headers[IDENTITY_HEADERS.internalAuth] = env.INTERNAL_AUTH_SECRET;
      }
      const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
      const response = await fetch(`${base}${path}`, { method, headers, body });
      lastWritePosition = response.headers.get('x-db-lsn') ?? lastWritePosition;
      const text = await response.text();
      responses.push({ status: response.status, body: text, what: `${method} ${path}` });
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON; kept as text
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      // Refresh tokens go with their users (ON DELETE CASCADE); outbox rows are matched by payload.
      await db.write().$executeRaw`delete from outbox where payload->>'email' like ${`%@${domain}`}`;
      await db.write().user.deleteMany({ where: { email: { endsWith: `@${domain}` } } });
      await deleteNamespace(redis).catch(() => {});
      await cache.close();
      await redis.close();
      await db.close();
    },
  };
}

/** Removes this harness's Redis keys (revocation marks, cache entries). SCAN patterns are not prefixed by ioredis. */
async function deleteNamespace(redis: RedisConnections): Promise<void> {
  const client = redis.command;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${redis.keyPrefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys.map((key) => key.slice(redis.keyPrefix.length)));
  } while (cursor !== '0');
}

/** Looks like a stack trace or an internal error leaking into a body. */
export const LEAK_PATTERN = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+:\d+|PrismaClient|"stack"\s*:/;
