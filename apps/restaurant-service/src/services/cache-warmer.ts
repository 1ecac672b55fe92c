import type { Cache } from '@tablestack/cache';
import type { RestaurantRepository } from '../repositories/restaurant-repository.js';
import { detailKey, NS } from './cache-keys.js';
import { detailOptions } from './restaurant-catalog.js';

export interface WarmResult {
  requested: number;
  warmed: number;
  failed: number;
  ms: number;
}

/**
 * Loads the details of the most reviewed restaurants (the likeliest to be asked for) into the cache
 * before traffic does, at most `concurrency` at a time so that warming never takes the whole pool
 * (each detail load is three queries, two of them side by side). Entries another replica already put
 * in Redis cost one read each. Failures are counted, not thrown: a cold cache is slower, not broken.
 */
export async function warmRestaurantDetails(
  deps: {
    cache: Pick<Cache, 'warm'>;
    restaurants: Pick<RestaurantRepository, 'mostReviewedIds'>;
    /** RestaurantCatalog: its uncached detail load. */
    catalog: { loadDetail(id: string): Promise<unknown> };
  },
  options: { count: number; concurrency: number },
): Promise<WarmResult> {
  const started = performance.now();
  if (options.count === 0) return { requested: 0, warmed: 0, failed: 0, ms: 0 };
  const ids = await deps.restaurants.mostReviewedIds(options.count);
  // detailKey(id) is the id itself, so the warm loader gets the id back as its key.
  const { warmed, failed } = await deps.cache.warm(
    NS.detail,
    ids.map(detailKey),
    (id) => deps.catalog.loadDetail(id),
    {
      concurrency: options.concurrency,
      tags: (id) => detailOptions(id).tags,
    },
  );
  return { requested: ids.length, warmed, failed, ms: Math.round(performance.now() - started) };
}
