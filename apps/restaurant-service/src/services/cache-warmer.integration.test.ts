import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, startInstance } from '../../test/restaurant-service-harness.js';
import { createRestaurantServices } from '../server.js';
import { warmRestaurantDetails } from './cache-warmer.js';

// Warming against the stack's database: the most reviewed restaurants of whatever is seeded there.
let app: Instance;

beforeAll(async () => {
  app = await startInstance(randomUUID().slice(0, 8));
});

afterAll(async () => {
  await app?.close();
});

describe('cache warming at start', () => {
  it('puts the most reviewed details in the cache, so their first request costs no query', async () => {
    const services = createRestaurantServices({ db: app.db, cache: app.cache });
    const top = await services.restaurants.mostReviewedIds(5);
    expect(top.length, 'the stack database has seeded restaurants').toBe(5);

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
