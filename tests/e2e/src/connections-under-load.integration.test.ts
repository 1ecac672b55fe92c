import { randomUUID } from 'node:crypto';
import { AccessTokens, authEnvSchema } from '@tablestack/auth';
import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

// 200 concurrent requests through nginx → gateway (a Redis GET per authenticated request for
// read-your-writes) → restaurant-service (cache L1/L2 in Redis, and a Postgres read per request,
// since every request asks for another restaurant). Connection counts must not grow with load:
// one Redis connection per role per process, Postgres within the pool sizes.

const CONCURRENCY = 200;
const WAVES = 3;
const POOL_SIZE = Number(process.env.DB_POOL_SIZE ?? 10);

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let redis: RedisConnections;
let primary: pg.Client;
/** One restaurant per request of every wave (warm-up included), so each request misses the cache. */
const restaurantIds = Array.from({ length: CONCURRENCY * (WAVES + 1) }, () => randomUUID());

/** Redis clients of our processes by connection name (`<service>:<role>:<pid>`). */
async function redisClientsByName(): Promise<Map<string, number>> {
  const list = (await redis.command.call('CLIENT', 'LIST')) as string;
  const counts = new Map<string, number>();
  for (const line of list.trim().split('\n')) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
    if (!/^(gateway|user-service|restaurant-service|worker):/.test(name)) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Postgres connections of the services by application_name (`<service>:<server>:<pid>`). */
async function postgresConnectionsByName(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const url of [stackEnv.databaseUrl, ...stackEnv.replicaUrls]) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: number }>(
        `select application_name as name, count(*)::int as n from pg_stat_activity
          where application_name ~ '^(gateway|user-service|restaurant-service|worker):' group by 1`,
      );
      for (const row of rows) counts.set(row.name, row.n);
    } finally {
      await client.end();
    }
  }
  return counts;
}

// Real access tokens (the stack runs on the development secret), one user per request.
const tokens = new AccessTokens(authEnvSchema.parse({}));
const bearers = Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => tokens.issue({ userId: randomUUID(), role: 'USER' })));

let waves = 0;
async function wave(): Promise<number[]> {
  const ids = restaurantIds.slice(waves * CONCURRENCY, (waves + 1) * CONCURRENCY);
  waves += 1;
  return Promise.all(
    ids.map(async (id, index) => {
      const response = await fetch(`${stackEnv.publicUrl}/api/v1/restaurants/${id}`, {
        headers: { authorization: `Bearer ${(await bearers)[index]}` },
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

/** The rows must be on the replicas before the load, or a request could cache a miss. */
async function waitForReplicas(): Promise<void> {
  const last = restaurantIds[restaurantIds.length - 1];
  for (const url of stackEnv.replicaUrls) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const { rowCount } = await client.query('select 1 from restaurants where id = $1', [last]);
        if (rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await client.end();
    }
  }
}

beforeAll(async () => {
  redis = new RedisConnections({
    env: redisEnvSchema.parse({ REDIS_URL: process.env.REDIS_URL }),
    service: 'e2e-observer',
    logger: silent,
  });
  await redis.whenReady('command', 5000);
  primary = new pg.Client({ connectionString: stackEnv.databaseUrl });
  await primary.connect();
  await primary.query(
    `insert into restaurants (id, name, cuisine, city, address, lat, lng, price_level, updated_at)
     select id, 'Load Test Trattoria', 'italian', 'Lisbon', 'Rua 1', 38.72, -9.14, 2, now() from unnest($1::uuid[]) as id`,
    [restaurantIds],
  );
});

afterAll(async () => {
  await primary.query('delete from restaurants where id = any($1::uuid[])', [restaurantIds]);
  await primary.end();
  await redis.close();
});

describe('connections under 200 concurrent requests', () => {
  it('keeps one Redis connection per role per process and Postgres within the pools', async () => {
    // Warm up: every replica has made its lazy connections and the rows have reached the replicas.
    await waitForReplicas();
    const warm = await wave();
    expect(warm.filter((status) => status !== 200)).toEqual([]);
    const redisBefore = await redisClientsByName();

    const statuses: number[] = [];
    const redisSamples: Array<Map<string, number>> = [];
    const postgresSamples: Array<Map<string, number>> = [];
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        redisSamples.push(await redisClientsByName());
        postgresSamples.push(await postgresConnectionsByName());
      }
    })();
    for (let index = 0; index < WAVES; index += 1) statuses.push(...(await wave()));
    loading = false;
    await sampler;

    expect(statuses).toHaveLength(CONCURRENCY * WAVES);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(redisSamples.length).toBeGreaterThan(0);

    // The gateway replicas and restaurant-service replicas each hold exactly one command connection.
    const gatewayCommand = [...redisBefore.keys()].filter((name) => name.startsWith('gateway:command:'));
    const gatewayReplicas = (process.env.GATEWAY_URLS ?? '').split(',').filter(Boolean).length;
    expect(gatewayReplicas).toBeGreaterThan(0);
    expect(gatewayCommand).toHaveLength(gatewayReplicas);
    for (const sample of [redisBefore, ...redisSamples]) {
      for (const [name, count] of sample) expect(count, `${name} connections`).toBe(1);
    }
    // Constant: the same connections during the load as before it.
    for (const sample of redisSamples) expect([...sample.keys()].sort()).toEqual([...redisBefore.keys()].sort());

    const restaurantPools = postgresSamples.flatMap((sample) =>
      [...sample].filter(([name]) => name.startsWith('restaurant-service:')),
    );
    expect(restaurantPools.length).toBeGreaterThan(0);
    for (const [name, count] of restaurantPools) expect(count, `${name} connections`).toBeLessThanOrEqual(POOL_SIZE);

    // The figures, for the record (the issue note quotes them).
    const peak = new Map<string, number>();
    for (const [name, count] of restaurantPools) peak.set(name, Math.max(peak.get(name) ?? 0, count));
    console.info(
      `load: ${statuses.length} requests, ${CONCURRENCY} in flight; redis connections per process name: ` +
        `${JSON.stringify(Object.fromEntries(redisBefore))} (unchanged in ${redisSamples.length} samples); ` +
        `peak postgres connections per pool (limit ${POOL_SIZE}): ${JSON.stringify(Object.fromEntries(peak))}`,
    );
  }, 180_000);
});
