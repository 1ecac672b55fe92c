import type { Cache } from '@tablestack/cache';
import type { RestaurantCard } from '../repositories/restaurant-card.js';
import type { RestaurantRepository } from '../repositories/restaurant-repository.js';
import { cardKey, NS, restaurantTag } from './cache-keys.js';
import { cachedRead } from './cached-read.js';

interface Waiting {
  id: string;
  resolve: (card: RestaurantCard | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Restaurant cards through the cache (restaurant-detail `card:<id>`, tagged `restaurant:<id>`), for
 * answers that hold many restaurants. Cards missing from the cache are read in one query per call
 * (not one per card), and a query that has just returned full rows hands them in as `known`, so an
 * answer built right after a miss costs no further query.
 */
export class RestaurantCards {
  constructor(
    private readonly cache: Cache,
    private readonly restaurants: Pick<RestaurantRepository, 'findCards'>,
  ) {}

  /** The cards of `ids`, in that order; restaurants that no longer exist are left out. */
  async get(ids: readonly string[], known?: ReadonlyMap<string, RestaurantCard>): Promise<RestaurantCard[]> {
    // One batch per call, never shared between requests: a batch reads in the read context (replica
    // choice, read-your-writes position) of the request that made it.
    const load = this.#batchLoader();
    const cards = await Promise.all(
      ids.map((id) =>
        cachedRead(this.cache, NS.detail, cardKey(id), async () => known?.get(id) ?? load(id), {
          tags: [restaurantTag(id)],
        }),
      ),
    );
    return cards.filter((card): card is RestaurantCard => card !== null);
  }

  /** Collects the ids asked for until the next turn of the event loop, then reads them in one query. */
  #batchLoader(): (id: string) => Promise<RestaurantCard | null> {
    let waiting: Waiting[] = [];
    const flush = async () => {
      const batch = waiting;
      waiting = [];
      try {
        const found = await this.restaurants.findCards(batch.map((entry) => entry.id));
        for (const entry of batch) entry.resolve(found.get(entry.id) ?? null);
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    };
    return (id) =>
      new Promise((resolve, reject) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ id, resolve, reject });
      });
  }
}
