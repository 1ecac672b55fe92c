import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADERS, type Role } from '@tablestack/auth';
import { Cache } from '@tablestack/cache';
import { Database, type DbLogger } from '@tablestack/db';
import { RedisConnections } from '@tablestack/redis-client';
import { createLogger } from '@tablestack/service-kit';
import pg from 'pg';
import { type Env, envSchema } from '../src/env.js';
import { createServer } from '../src/server.js';

/**
 * The restaurant-service in-process on the stack's real Postgres (primary and replicas) and Redis
 * (DATABASE_URL, DATABASE_REPLICA_URLS, REDIS_URL, as `./stack test` and `.stack/dev/stack.env`
 * provide), reached with fetch over a real socket. Instances started with the same `namespace` share
 * Redis keys and the invalidation bus, like replicas of one deployment; each namespace is fresh.
 */
export interface Instance {
  base: string;
  env: Env;
  db: Database;
  cache: Cache;
  /** Every SQL statement this instance's Database ran, with the server it ran on (DB_ECHO). */
  queries: Array<{ server: string; query: string; durationMs: number }>;
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

const silent = createLogger({ name: 'restaurant-service', level: 'silent' });

export const primaryUrl = process.env.DATABASE_URL ?? '';
export const replicaUrls = (process.env.DATABASE_REPLICA_URLS ?? '').split(',').filter(Boolean);

export function requireStack(): void {
  if (!primaryUrl || !process.env.REDIS_URL)
    throw new Error(
      'DATABASE_URL and REDIS_URL must point at the stack (./stack test, or .stack/dev/stack.env)',
    );
}

export async function startInstance(
  namespace: string,
  overrides: Record<string, string> = {},
): Promise<Instance> {
  requireStack();
  const env = envSchema.parse({
    ...process.env,
    PORT: '1',
    DB_ECHO: 'true',
    // Fast replica checks keep the tests short; the limits keep their production relation
    // (hold > max lag + one check), which is what the consistency tests are about.
    DB_REPLICA_CHECK_INTERVAL_MS: '50',
    ...overrides,
  });
  const queries: Instance['queries'] = [];
  const dbLogger: DbLogger = {
    debug: () => {},
    info: (details, message) => {
      if (message === 'query') {
        const { server, query, durationMs } = details as {
          server: string;
          query: string;
          durationMs: number;
        };
        queries.push({ server, query, durationMs });
      }
    },
    warn: () => {},
    error: () => {},
  };
  const db = new Database({ env, logger: dbLogger, service: 'restaurant-service-it' }).start();
  const redis = new RedisConnections({ env, service: `restaurant-service-it-${namespace}`, logger: silent });
  await redis.whenReady('command', 10_000);
  const cache = await new Cache({ env, logger: silent, redis }).start();
  const service = createServer({ env, logger: silent, data: { env, db, cache } });
  const server: Server = service.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    env,
    db,
    cache,
    queries,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.json !== undefined || options.raw !== undefined)
        headers['content-type'] ??= 'application/json';
      if (options.as) {
        headers[IDENTITY_HEADERS.userId] = options.as.userId;
        headers[IDENTITY_HEADERS.role] = options.as.role;
        headers[IDENTITY_HEADERS.internalAuth] = env.INTERNAL_AUTH_SECRET;
      }
      const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
      const response = await fetch(`${base}${path}`, { method, headers, body });
      const text = await response.text();
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
      await deleteNamespace(redis).catch(() => {});
      await cache.close();
      await redis.close();
      await db.close();
    },
  };
}

/** Removes a namespace's Redis keys (cache entries). SCAN patterns are not prefixed by ioredis. */
async function deleteNamespace(redis: RedisConnections): Promise<void> {
  const client = redis.command;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${redis.keyPrefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys.map((key) => key.slice(redis.keyPrefix.length)));
  } while (cursor !== '0');
}

export interface RestaurantInput {
  name?: string;
  cuisine?: string;
  city?: string;
  description?: string;
  lat?: number;
  lng?: number;
  priceLevel?: number;
}

/**
 * Rows a test makes, straight in the primary, all marked with one run tag (in restaurant names and
 * user emails), and removed by `cleanUp` with their reviews and outbox rows.
 */
export class Fixtures {
  readonly tag = `it${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  readonly #client: pg.Client;
  readonly #restaurants: string[] = [];
  /** Rows get created_at one second apart in the order they are made, so "newest first" is well defined. */
  #made = 0;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async open(): Promise<Fixtures> {
    requireStack();
    const client = new pg.Client({ connectionString: primaryUrl, application_name: 'restaurant-service-it' });
    await client.connect();
    return new Fixtures(client);
  }

  async user(role: Role = 'USER'): Promise<{ userId: string; role: Role }> {
    const id = randomUUID();
    await this.#client.query(
      `insert into users (id, email, name, role, password_hash, updated_at)
       values ($1, $2, 'Restaurant IT', $3, 'not-a-real-hash', now())`,
      [id, `${id}@${this.tag}.example.test`, role],
    );
    return { userId: id, role };
  }

  /** A restaurant in a city of its own (unless given), so lists filtered by it hold only this run's rows. */
  async restaurant(input: RestaurantInput = {}): Promise<string> {
    const id = randomUUID();
    await this.#client.query(
      `insert into restaurants (id, name, cuisine, city, address, description, lat, lng, price_level, created_at, updated_at)
       values ($1, $2, $3, $4, '1 Test Street', $5, $6, $7, $8, now() - interval '1 day' + $9 * interval '1 second', now())`,
      [
        id,
        input.name ?? `Restaurant ${this.tag} ${this.#restaurants.length + 1}`,
        input.cuisine ?? 'Testcuisine',
        input.city ?? `City ${this.tag}`,
        input.description ?? '',
        input.lat ?? 10,
        input.lng ?? 10,
        input.priceLevel ?? 2,
        ++this.#made,
      ],
    );
    this.#restaurants.push(id);
    return id;
  }

  /** Reviews written directly (aggregates recomputed as the service does), e.g. to fill a detail. */
  async reviews(restaurantId: string, ratings: number[]): Promise<void> {
    for (const rating of ratings) {
      const { userId } = await this.user();
      await this.#client.query(
        `insert into reviews (id, user_id, restaurant_id, rating, comment, created_at, updated_at)
         values (gen_random_uuid(), $1, $2, $3, 'seeded by the test', now() - interval '1 day' + $4 * interval '1 second', now())`,
        [userId, restaurantId, rating, ++this.#made],
      );
    }
    await this.#client.query(
      `update restaurants set (rating_avg, rating_count) =
         (select coalesce(avg(rating), 0)::real, count(*)::int from reviews where restaurant_id = $1) where id = $1`,
      [restaurantId],
    );
  }

  /**
   * Waits until every replica has replayed what the primary has written so far, so that rows made
   * here are visible to reads the service sends to a replica.
   */
  async settle(): Promise<void> {
    const { rows } = await this.#client.query<{ lsn: string }>(
      'select pg_current_wal_insert_lsn()::text as lsn',
    );
    const lsn = rows[0]!.lsn;
    for (const url of replicaUrls)
      await until(`${url} replayed ${lsn}`, async () => {
        const replayed = await onReplica<{ ok: boolean }>(
          url,
          `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as ok`,
        );
        return replayed.rows[0]?.ok === true;
      });
  }

  /** Remembers a restaurant the service created, so that cleanUp removes it. */
  adopt(restaurantId: string): void {
    this.#restaurants.push(restaurantId);
  }

  query<T extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<T>> {
    return this.#client.query<T>(sql, values);
  }

  async cleanUp(): Promise<void> {
    await this.#client.query(`delete from outbox where payload->>'restaurantId' = any($1::text[])`, [
      this.#restaurants,
    ]);
    // Reviews go with their restaurants and users (ON DELETE CASCADE).
    await this.#client.query('delete from restaurants where id = any($1::uuid[])', [this.#restaurants]);
    await this.#client.query('delete from users where email like $1', [`%@${this.tag}.example.test`]);
    await this.#client.end();
  }
}

/** A statement on one replica, on its own connection. */
export async function onReplica<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<T>(sql);
  } finally {
    await client.end();
  }
}

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Pausing is a request; replay stops a moment later, so wait until the replica says it is paused. */
export async function pauseReplay(url: string): Promise<void> {
  await onReplica(url, 'select pg_wal_replay_pause()');
  await until('replay paused', async () => {
    const { rows } = await onReplica<{ state: string }>(
      url,
      'select pg_get_wal_replay_pause_state() as state',
    );
    return rows[0]?.state === 'paused';
  });
}

export const resumeReplay = (url: string) => onReplica(url, 'select pg_wal_replay_resume()');

/** Looks like a stack trace or an internal error leaking into a body. */
export const LEAK_PATTERN = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+:\d+|PrismaClient|"stack"\s*:/;
