import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, startInstance, until } from '../../test/restaurant-service-harness.js';
import { createRestaurantServices } from '../server.js';
import { warmRestaurantDetails } from './cache-warmer.js';

// Warming against the stack's database. The test stack is not seeded, so the test adds five
// restaurants with review counts no seeded one comes near, which makes them the five most reviewed.
let app: Instance;
const ids = Array.from({ length: 5 }, () => randomUUID());

beforeAll(async () => {
  const primary = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await primary.connect();
  try {
    await primary.query(
      `insert into restaurants (id, name, cuisine, city, address, lat, lng, price_level, rating_avg, rating_count, updated_at)
       select id, 'Warm ' || ord, 'italian', 'Lisbon', 'Rua 1', 38.7, -9.1, 2, 4.5, 1000000000 - ord::int, now()
       from unnest($1::uuid[]) with ordinality as t(id, ord)`,
      [ids],
    );
    const { rows } = await primary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
    await replicasReplayed(rows[0]!.lsn);
  } finally {
    await primary.end();
  }
  app = await startInstance(randomUUID().slice(0, 8));
});

/**
 * Waits until every replica has replayed the insert: the warmer reads round robin, and one replica
 * that lags behind the other gives it an empty (or another) top five.
 */
async function replicasReplayed(lsn: string): Promise<void> {
  for (const url of (process.env.DATABASE_REPLICA_URLS ?? '').split(',').filter(Boolean)) {
    const replica = new pg.Client({ connectionString: url });
    await replica.connect();
    try {
      await until(`replica ${new URL(url).port} replayed ${lsn}`, async () => {
        const { rows } = await replica.query<{ caught: boolean }>(
          'select pg_last_wal_replay_lsn() >= $1::pg_lsn as caught',
          [lsn],
        );
        return rows[0]?.caught === true;
      });
    } finally {
      await replica.end();
    }
  }
}

afterAll(async () => {
  await app?.close();
  const primary = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await primary.connect();
  await primary
    .query('delete from restaurants where id = any($1::uuid[])', [ids])
    .finally(() => primary.end());
});

describe('cache warming at start', () => {
  it('puts the most reviewed details in the cache, so their first request costs no query', async () => {
    const services = createRestaurantServices({ db: app.db, cache: app.cache });
    // The rows reach the replicas the query reads from a moment after the insert.
    let top: string[] = [];
    await until('the new restaurants are the most reviewed', async () => {
      top = await services.restaurants.mostReviewedIds(5);
      return [...top].sort().join() === [...ids].sort().join();
    });

    const result = await warmRestaurantDetails(
      { cache: app.cache, ...services },
      { count: 5, concurrency: 2 },
    );
    expect(result).toMatchObject({ requested: 5, warmed: 5, failed: 0 });

    app.queries.length = 0;
    for (const id of top) expect((await app.request('GET', `/restaurants/${id}`)).status).toBe(200);
    expect(app.queries).toEqual([]);
  });
});
