import type { Cache } from '@tablestack/cache';
import type { Database } from '@tablestack/db';
import { ProblemError } from '@tablestack/service-kit';
import type { RestaurantCard } from '../repositories/restaurant-card.js';
import type { RestaurantFields, RestaurantRepository } from '../repositories/restaurant-repository.js';
import { tagsAfterRestaurantWrite } from './cache-keys.js';

const notFound = (id: string) => new ProblemError('NOT_FOUND', { detail: `No restaurant ${id}` });

/**
 * Admin writes of restaurants. Ratings are not written here (they follow the reviews). Every write
 * invalidates, before it answers, the restaurant's entries, every list and count it was or is now in,
 * and all search and nearby results (see cache-keys.ts).
 */
export class RestaurantAdmin {
  constructor(
    private readonly deps: {
      db: Pick<Database, 'transaction'>;
      cache: Cache;
      restaurants: RestaurantRepository;
    },
  ) {}

  async create(fields: RestaurantFields): Promise<RestaurantCard> {
    const card = await this.deps.restaurants.create(fields);
    await this.deps.cache.invalidateTags(...tagsAfterRestaurantWrite(null, card));
    return card;
  }

  async update(id: string, fields: Partial<RestaurantFields>): Promise<RestaurantCard> {
    const { restaurants, db } = this.deps;
    const { before, after } = await db.transaction(async (tx) => {
      const before = await restaurants.lock(tx, id);
      if (!before) throw notFound(id);
      return { before, after: await restaurants.update(tx, id, fields) };
    });
    await this.deps.cache.invalidateTags(...tagsAfterRestaurantWrite(before, after));
    return after;
  }

  /** Removes the restaurant with its reviews and photos (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    const { restaurants, db } = this.deps;
    const before = await db.transaction(async (tx) => {
      const before = await restaurants.lock(tx, id);
      if (!before) throw notFound(id);
      await restaurants.delete(tx, id);
      return before;
    });
    await this.deps.cache.invalidateTags(...tagsAfterRestaurantWrite(before, null));
  }
}
