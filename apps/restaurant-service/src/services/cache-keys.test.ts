import { describe, expect, it } from 'vitest';
import {
  countEntry,
  listEntry,
  nearbyKey,
  roundCoordinate,
  scopeTag,
  searchKey,
  tagsAfterRestaurantWrite,
  tagsAfterReviewWrite,
} from './cache-keys.js';

const paris = { id: 'r1', city: 'Paris', cuisine: 'French' };

describe('cache keys', () => {
  it('give every distinct list query its own key, and the same query the same key', () => {
    const a = listEntry({ city: 'Paris' }, 'rating', 1, 20);
    expect(listEntry({ city: 'Paris' }, 'rating', 1, 20)).toEqual(a);
    const others = [
      listEntry({ city: 'Paris' }, 'name', 1, 20),
      listEntry({ city: 'Paris' }, 'rating', 2, 20),
      listEntry({ city: 'Paris' }, 'rating', 1, 50),
      listEntry({ cuisine: 'Paris' }, 'rating', 1, 20),
      listEntry({ city: 'Paris', priceLevel: 2 }, 'rating', 1, 20),
      listEntry({ city: 'Paris', minRating: 4 }, 'rating', 1, 20),
      listEntry({}, 'rating', 1, 20),
      listEntry({ city: 'Paris' }, 'rating', { s: 'rating', v: 4.5, id: 'a' }, 20),
      listEntry({ city: 'Paris' }, 'rating', { s: 'rating', v: 4.5, id: 'b' }, 20),
      listEntry({ city: 'Paris' }, 'rating', { s: 'rating', v: 4, id: 'a' }, 20),
    ];
    expect(new Set([a.key, ...others.map((entry) => entry.key)]).size).toBe(others.length + 1);
  });

  it('share one total between sorts and pages of a filter', () => {
    expect(countEntry({ city: 'Paris', priceLevel: 2 }).key).toBe(
      countEntry({ priceLevel: 2, city: 'Paris' }).key,
    );
    expect(countEntry({ city: 'Paris' }).key).not.toBe(countEntry({ city: 'Paris', minRating: 1 }).key);
  });

  it('normalize search whitespace and round nearby points to about 11 m', () => {
    expect(searchKey('duck   confit', 1, 20)).toBe(searchKey('duck confit', 1, 20));
    expect(roundCoordinate(48.856_649)).toBe(48.8566);
    expect(roundCoordinate(-0.000_04)).toBe(-0);
    expect(nearbyKey(48.8566, 2.3522, 5, 20)).toBe('near:48.8566,2.3522:5:20');
  });
});

describe('scope tags', () => {
  it('take the narrowest filter that decides which restaurants can appear', () => {
    expect(scopeTag('ratings', { city: 'Paris', cuisine: 'French' })).toBe('ratings:city:Paris');
    expect(scopeTag('ratings', { cuisine: 'French' })).toBe('ratings:cuisine:French');
    expect(scopeTag('catalog', {})).toBe('catalog:all');
  });

  it('tag lists and totals that ratings can change as ratings:, the others as catalog:', () => {
    expect(listEntry({ city: 'Paris' }, 'rating', 1, 20).tag).toBe('ratings:city:Paris');
    expect(listEntry({ city: 'Paris' }, 'name', 1, 20).tag).toBe('catalog:city:Paris');
    expect(listEntry({ city: 'Paris', minRating: 4 }, 'newest', 1, 20).tag).toBe('ratings:city:Paris');
    expect(countEntry({ cuisine: 'French' }).tag).toBe('catalog:cuisine:French');
    expect(countEntry({ cuisine: 'French', minRating: 4 }).tag).toBe('ratings:cuisine:French');
  });
});

describe('what a write invalidates', () => {
  /** Every filter a list or total could have, to check that each affected entry loses its tag. */
  const filters = [
    {},
    { city: 'Paris' },
    { city: 'Rome' },
    { cuisine: 'French' },
    { cuisine: 'Thai' },
    { city: 'Paris', cuisine: 'French' },
    { city: 'Paris', cuisine: 'Thai' },
    { city: 'Rome', cuisine: 'French' },
    { priceLevel: 2 },
    { minRating: 4 },
    { city: 'Paris', minRating: 4 },
  ];
  const couldHold = (filter: { city?: string; cuisine?: string }, restaurant: typeof paris) =>
    (filter.city === undefined || filter.city === restaurant.city) &&
    (filter.cuisine === undefined || filter.cuisine === restaurant.cuisine);

  it('a review: the restaurant, and every rating-ordered list and rating-filtered total that could hold it', () => {
    const tags = tagsAfterReviewWrite(paris);
    expect(tags).toContain('restaurant:r1');
    for (const filter of filters) {
      if (!couldHold(filter, paris)) continue;
      expect(tags, JSON.stringify(filter)).toContain(listEntry(filter, 'rating', 1, 20).tag);
      if ('minRating' in filter) expect(tags).toContain(countEntry(filter).tag);
    }
    // Not touched: lists by name or date without a rating filter, totals without one, search, nearby.
    expect(tags).not.toContain(listEntry({ city: 'Paris' }, 'name', 1, 20).tag);
    expect(tags).not.toContain(countEntry({ city: 'Paris' }).tag);
    expect(tags).not.toContain('search');
    expect(tags).not.toContain('nearby');
    expect(tags).not.toContain(listEntry({ city: 'Rome' }, 'rating', 1, 20).tag);
  });

  it('an admin change: the restaurant, every list and total it was or is in, search and nearby', () => {
    const moved = { ...paris, city: 'Rome', cuisine: 'Thai' };
    const tags = tagsAfterRestaurantWrite(paris, moved);
    for (const filter of filters) {
      if (!couldHold(filter, paris) && !couldHold(filter, moved)) continue;
      for (const sort of ['rating', 'name', 'newest'] as const)
        expect(tags, JSON.stringify(filter)).toContain(listEntry(filter, sort, 1, 20).tag);
      expect(tags).toContain(countEntry(filter).tag);
    }
    expect(tags).toEqual(expect.arrayContaining(['restaurant:r1', 'search', 'nearby']));
    expect(tagsAfterRestaurantWrite(null, paris)).toContain('catalog:city:Paris');
    expect(tagsAfterRestaurantWrite(paris, null)).toContain('catalog:cuisine:French');
  });
});
