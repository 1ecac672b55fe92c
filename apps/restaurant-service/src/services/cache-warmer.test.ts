import { Cache, cacheEnvSchema } from '@tablestack/cache';
import { describe, expect, it } from 'vitest';
import { detailKey, NS } from './cache-keys.js';
import { warmRestaurantDetails } from './cache-warmer.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('warmRestaurantDetails', () => {
  it('loads the most reviewed details, at most `concurrency` at a time, counting failures', async () => {
    const cache = new Cache({ env: cacheEnvSchema.parse({}), logger: quiet });
    const ids = Array.from({ length: 30 }, (_, index) => `r${index}`);
    let inFlight = 0;
    let most = 0;
    const catalog = {
      loadDetail: async (id: string) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        if (id === 'r7') throw new Error('boom');
        return { id };
      },
    };
    const asked: number[] = [];
    const restaurants = {
      mostReviewedIds: async (limit: number) => {
        asked.push(limit);
        return ids.slice(0, limit);
      },
    };
    const result = await warmRestaurantDetails(
      { cache, restaurants, catalog },
      { count: 20, concurrency: 3 },
    );
    expect(asked).toEqual([20]);
    expect(result).toMatchObject({ requested: 20, warmed: 19, failed: 1 });
    expect(most).toBe(3);
    // Warmed entries are where the detail route looks for them: no load on the next ask.
    const again = await cache.getOrSet(NS.detail, detailKey('r3'), () => ({ id: 'reloaded' }));
    expect(again).toEqual({ id: 'r3' });
  });

  it('does nothing with a count of 0', async () => {
    const cache = new Cache({ env: cacheEnvSchema.parse({}), logger: quiet });
    const fail = async () => {
      throw new Error('must not be called');
    };
    const result = await warmRestaurantDetails(
      { cache, restaurants: { mostReviewedIds: fail }, catalog: { loadDetail: fail } },
      { count: 0, concurrency: 4 },
    );
    expect(result).toMatchObject({ requested: 0, warmed: 0, failed: 0 });
  });
});
