import { Cache, cacheEnvSchema } from '@tablestack/cache';
import { runWithReadContext } from '@tablestack/db';
import { describe, expect, it } from 'vitest';
import type { RestaurantCard } from '../repositories/restaurant-card.js';
import { RestaurantCards } from './restaurant-cards.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const l1Only = () => new Cache({ env: cacheEnvSchema.parse({}), logger: quiet });

const card = (id: string): RestaurantCard => ({
  id,
  name: `Restaurant ${id}`,
  cuisine: 'Thai',
  city: 'Bangkok',
  address: '1 Road',
  description: '',
  lat: 13.7,
  lng: 100.5,
  priceLevel: 2,
  ratingAvg: 4.5,
  ratingCount: 2,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
});

/** A repository that records each batch it is asked for. */
function repository(existing: string[]) {
  const batches: string[][] = [];
  return {
    batches,
    findCards: async (ids: readonly string[]) => {
      batches.push([...ids]);
      return new Map(ids.filter((id) => existing.includes(id)).map((id) => [id, card(id)]));
    },
  };
}

describe('RestaurantCards', () => {
  it('reads every missing card in one query, in the order asked, leaving out restaurants that are gone', async () => {
    const repo = repository(['a', 'b', 'c']);
    const cards = new RestaurantCards(l1Only(), repo);
    const found = await cards.get(['c', 'gone', 'a', 'b']);
    expect(found.map((entry) => entry.id)).toEqual(['c', 'a', 'b']);
    expect(repo.batches).toEqual([['c', 'gone', 'a', 'b']]);
  });

  it('reads nothing for cards in the cache, and only the missing ones otherwise', async () => {
    const repo = repository(['a', 'b', 'c']);
    const cards = new RestaurantCards(l1Only(), repo);
    await cards.get(['a', 'b']);
    await cards.get(['a', 'b']);
    await cards.get(['b', 'c']);
    expect(repo.batches).toEqual([['a', 'b'], ['c']]);
  });

  it('takes cards a query has just returned instead of reading them again', async () => {
    const repo = repository([]);
    const cards = new RestaurantCards(l1Only(), repo);
    const found = await cards.get(['x'], new Map([['x', card('x')]]));
    expect(found.map((entry) => entry.id)).toEqual(['x']);
    expect(repo.batches).toEqual([]);
  });

  it('bypasses the cache for a request that must see a recent write (read position or own write)', async () => {
    const repo = repository(['a']);
    const cards = new RestaurantCards(l1Only(), repo);
    await cards.get(['a']); // cached now
    await runWithReadContext({ minLsn: 1n }, () => cards.get(['a']));
    await runWithReadContext({ wrote: true }, () => cards.get(['a']));
    await runWithReadContext({}, () => cards.get(['a'])); // an ordinary request: from the cache
    expect(repo.batches).toEqual([['a'], ['a'], ['a']]);
  });

  it('fails every card of a batch when its query fails', async () => {
    const cards = new RestaurantCards(l1Only(), {
      findCards: async () => {
        throw new Error('replica gone');
      },
    });
    await expect(cards.get(['a', 'b'])).rejects.toThrow('replica gone');
  });
});
