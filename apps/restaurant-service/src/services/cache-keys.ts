import type { ListCursorPosition } from '@tablestack/api-contract';
import type {
  RestaurantFilter,
  RestaurantScope,
  RestaurantSort,
} from '../repositories/restaurant-repository.js';

/**
 * What the service caches, under which keys and tags, and what each write invalidates.
 *
 * Results of queries (lists, search, nearby) are cached as *references*: the ids in order, with their
 * rank or distance. The restaurants themselves are cached once each, as cards tagged with their
 * restaurant, and every answer is assembled from both. So a review (which changes one restaurant's
 * rating) invalidates that restaurant's entries and only the query results whose membership or order
 * depends on ratings; search and nearby results, which do not, survive it.
 *
 * | namespace (TTL)            | key                         | tags                                 |
 * |----------------------------|-----------------------------|--------------------------------------|
 * | restaurant-detail (1 h)    | `<id>`                      | `restaurant:<id>`                    |
 * |                            | `card:<id>`                 | `restaurant:<id>`                    |
 * |                            | `reviews:<id>:<page>:<size>`| `restaurant:<id>`                    |
 * | restaurant-list (30 min)   | filters, sort, page         | `ratings:<scope>` or `catalog:<scope>` |
 * | counts (5 min)             | filters                     | `ratings:<scope>` or `catalog:<scope>` |
 * | search-results (15 min)    | `q:<query>:<page>:<size>`   | `search`                             |
 * |                            | `near:<lat>,<lng>:<r>:<n>`  | `nearby`                             |
 *
 * `<scope>` is the narrowest of the filters that says which restaurants can appear: `city:<city>`,
 * else `cuisine:<cuisine>`, else `all`. An entry is tagged `ratings:` when ratings decide which
 * restaurants it holds or their order (sort by rating, or a minimum rating), `catalog:` otherwise.
 *
 * One tag per query entry, not a prefix: prefix invalidation SCANs the whole Redis keyspace and holds
 * the whole namespace (no write-back for CACHE_INVALIDATION_HOLD_MS), so under a steady trickle of
 * reviews the lists would never be cached again. Tags cost one INCR each and hold only their scope.
 */
export const NS = {
  detail: 'restaurant-detail',
  list: 'restaurant-list',
  counts: 'counts',
  search: 'search-results',
} as const;

export const restaurantTag = (id: string) => `restaurant:${id}`;
export const SEARCH_TAG = 'search';
export const NEARBY_TAG = 'nearby';

type Family = 'ratings' | 'catalog';

/** The one scope tag of a query entry (see the table above). */
export function scopeTag(family: Family, filter: Pick<RestaurantFilter, 'city' | 'cuisine'>): string {
  if (filter.city !== undefined) return `${family}:city:${filter.city}`;
  if (filter.cuisine !== undefined) return `${family}:cuisine:${filter.cuisine}`;
  return `${family}:all`;
}

/** Every scope tag of one family an entry about this restaurant could carry. */
function scopeTagsOf(family: Family, restaurant: Pick<RestaurantScope, 'city' | 'cuisine'>): string[] {
  return [`${family}:all`, `${family}:city:${restaurant.city}`, `${family}:cuisine:${restaurant.cuisine}`];
}

export const detailKey = (id: string) => id;
export const cardKey = (id: string) => `card:${id}`;
export const reviewsKey = (id: string, page: number, pageSize: number) => `reviews:${id}:${page}:${pageSize}`;

/**
 * A list page: its key in restaurant-list and its tag. `start` is the page number, or the cursor
 * position a keyset page starts after. `v2`: entries hold the ids and the next page's position; the
 * previous version's entries (ids only) stay unread.
 */
export function listEntry(
  filter: RestaurantFilter,
  sort: RestaurantSort,
  start: number | ListCursorPosition,
  pageSize: number,
) {
  const rated = sort === 'rating' || filter.minRating !== undefined;
  const from = typeof start === 'number' ? start : [start.v, start.id];
  return {
    key: JSON.stringify(['v2', sort, from, pageSize, ...filterKey(filter)]),
    tag: scopeTag(rated ? 'ratings' : 'catalog', filter),
  };
}

/** A total: its key in counts and its tag (the sort and page do not change a count). */
export function countEntry(filter: RestaurantFilter) {
  return {
    key: JSON.stringify(filterKey(filter)),
    tag: scopeTag(filter.minRating === undefined ? 'catalog' : 'ratings', filter),
  };
}

const filterKey = (filter: RestaurantFilter) => [
  filter.city ?? null,
  filter.cuisine ?? null,
  filter.priceLevel ?? null,
  filter.minRating ?? null,
];

/**
 * Runs of whitespace do not make another query (websearch_to_tsquery ignores them too). `q2:` since
 * entries hold how each hit matched (text or fuzzy): entries of the version before stay unread.
 */
export const searchKey = (q: string, page: number, pageSize: number) =>
  `q2:${q.replace(/\s+/g, ' ')}:${page}:${pageSize}`;

/**
 * Nearby points are rounded to 4 decimals (about 11 m) before the query runs, so that clients a few
 * metres apart share one entry; distances are from the rounded point.
 */
export const roundCoordinate = (value: number) => Math.round(value * 10_000) / 10_000;
export const nearbyKey = (lat: number, lng: number, radiusKm: number, limit: number) =>
  `near:${lat},${lng}:${radiusKm}:${limit}`;

/** A review was written, edited or removed: the restaurant's own entries, and whatever ratings order. */
export function tagsAfterReviewWrite(restaurant: RestaurantScope): string[] {
  return [restaurantTag(restaurant.id), ...scopeTagsOf('ratings', restaurant)];
}

/**
 * A restaurant was added, changed or removed (admin): its entries, every list and count it was or is
 * now in (both families: membership may change), and all search and nearby results (its text or its
 * place may have changed; admin writes are rare enough not to be more precise).
 */
export function tagsAfterRestaurantWrite(
  before: RestaurantScope | null,
  after: RestaurantScope | null,
): string[] {
  const tags = new Set<string>([SEARCH_TAG, NEARBY_TAG]);
  for (const state of [before, after]) {
    if (!state) continue;
    tags.add(restaurantTag(state.id));
    for (const tag of [...scopeTagsOf('ratings', state), ...scopeTagsOf('catalog', state)]) tags.add(tag);
  }
  return [...tags];
}
