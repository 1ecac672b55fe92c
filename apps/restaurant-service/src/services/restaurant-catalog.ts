import { encodeListCursor, type ListCursorPosition } from '@tablestack/api-contract';
import type { Cache } from '@tablestack/cache';
import type { Database } from '@tablestack/db';
import { type RestaurantCard, roundRating } from '../repositories/restaurant-card.js';
import type {
  RestaurantFilter,
  RestaurantRepository,
  RestaurantSort,
} from '../repositories/restaurant-repository.js';
import type { SearchMatch } from '../repositories/restaurant-sql.js';
import type { RatingDistribution, ReviewRepository, ReviewView } from '../repositories/review-repository.js';
import {
  countEntry,
  detailKey,
  listEntry,
  NEARBY_TAG,
  NS,
  nearbyKey,
  restaurantTag,
  reviewsKey,
  roundCoordinate,
  SEARCH_TAG,
  searchKey,
} from './cache-keys.js';
import { cachedRead } from './cached-read.js';
import type { RestaurantCards } from './restaurant-cards.js';

/** Tags of a detail entry (its key is detailKey(id)). */
export const detailOptions = (id: string) => ({ tags: [restaurantTag(id)] });

/** How many reviews the detail shows. */
export const LATEST_REVIEWS = 5;

export interface RestaurantDetailView extends RestaurantCard {
  ratingSummary: { average: number; count: number; distribution: RatingDistribution };
  latestReviews: ReviewView[];
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

/** A list page: by number (1 when neither is given) or after a cursor position. */
export interface ListRequest {
  pageSize: number;
  page?: number | undefined;
  cursor?: ListCursorPosition | undefined;
}

/** What a list entry holds: the page's ids in order and where the next page starts (null: last page). */
interface ListEntry {
  ids: string[];
  next: ListCursorPosition | null;
}

/** What a search entry holds: ids with their rank and match, best first, and whether a next page exists. */
interface SearchEntry {
  hits: Array<[id: string, rank: number, match: SearchMatch]>;
  hasMore: boolean;
}

/**
 * The read side: lists, search, nearby, detail and reviews, each through the cache (see
 * cache-keys.ts for keys, tags and what invalidates them) and on a miss through `db.read()`.
 * Missing restaurants are cached too (as null), so a flood of requests for an unknown id does not
 * reach the database.
 */
export class RestaurantCatalog {
  constructor(
    private readonly deps: {
      db: Pick<Database, 'read'>;
      cache: Cache;
      restaurants: RestaurantRepository;
      reviews: ReviewRepository;
      cards: RestaurantCards;
    },
  ) {}

  /**
   * A page of the list, by page number (offset) or after a cursor (keyset), with the total and the
   * cursor of the next page (null on the last). One row more than the page is read to know whether
   * there is a next one.
   */
  async list(filter: RestaurantFilter, sort: RestaurantSort, request: ListRequest) {
    const { cache, restaurants, cards } = this.deps;
    const { pageSize, cursor } = request;
    const page = request.page ?? 1;
    const known = new Map<string, RestaurantCard>();
    const entry = listEntry(filter, sort, cursor ?? page, pageSize);
    const [found, total] = await Promise.all([
      cachedRead<ListEntry>(
        cache,
        NS.list,
        entry.key,
        async () => {
          const from = cursor ? { after: cursor } : { offset: (page - 1) * pageSize };
          const rows = await restaurants.list(filter, sort, from, pageSize + 1);
          const shown = rows.slice(0, pageSize);
          for (const { card } of shown) known.set(card.id, card);
          return {
            ids: shown.map(({ card }) => card.id),
            next: rows.length > pageSize ? shown.at(-1)!.position : null,
          };
        },
        { tags: [entry.tag] },
      ),
      this.count(filter),
    ]);
    const items = await cards.get(found.ids, known);
    const nextCursor = found.next ? encodeListCursor(found.next) : null;
    if (cursor) return { items, pageSize, total, nextCursor };
    return { items, page, pageSize, total, totalPages: Math.ceil(total / pageSize), nextCursor };
  }

  /** The number of restaurants matching `filter`, cached on its own (shared by every sort and page). */
  async count(filter: RestaurantFilter): Promise<number> {
    const entry = countEntry(filter);
    return cachedRead(this.deps.cache, NS.counts, entry.key, () => this.deps.restaurants.count(filter), {
      tags: [entry.tag],
    });
  }

  async search(q: string, { page, pageSize }: PageRequest) {
    const { cache, restaurants, cards } = this.deps;
    const known = new Map<string, RestaurantCard>();
    const entry = await cachedRead<SearchEntry>(
      cache,
      NS.search,
      searchKey(q, page, pageSize),
      async () => {
        const hits = await restaurants.search(q, (page - 1) * pageSize, pageSize + 1);
        for (const { card } of hits) known.set(card.id, card);
        return {
          hits: hits.slice(0, pageSize).map(({ card, rank, match }) => [card.id, rank, match]),
          hasMore: hits.length > pageSize,
        };
      },
      { tags: [SEARCH_TAG] },
    );
    const hits = new Map(entry.hits.map(([id, rank, match]) => [id, { rank, match }]));
    const found = await cards.get([...hits.keys()], known);
    return {
      items: found.map((card) => ({ ...card, ...hits.get(card.id)! })),
      page,
      pageSize,
      hasMore: entry.hasMore,
    };
  }

  async nearby(point: { lat: number; lng: number; radiusKm: number; limit: number }) {
    const { cache, restaurants, cards } = this.deps;
    const lat = roundCoordinate(point.lat);
    const lng = roundCoordinate(point.lng);
    const { radiusKm, limit } = point;
    const known = new Map<string, RestaurantCard>();
    const hits = await cachedRead<Array<[id: string, distanceM: number]>>(
      cache,
      NS.search,
      nearbyKey(lat, lng, radiusKm, limit),
      async () => {
        const rows = await restaurants.nearby(lat, lng, radiusKm * 1000, limit);
        for (const { card } of rows) known.set(card.id, card);
        return rows.map(({ card, distanceM }) => [card.id, Math.round(distanceM)]);
      },
      { tags: [NEARBY_TAG] },
    );
    const distance = new Map(hits);
    const found = await cards.get([...distance.keys()], known);
    return {
      items: found.map((card) => ({ ...card, distanceKm: distance.get(card.id)! / 1000 })),
      lat,
      lng,
      radiusKm,
    };
  }

  /**
   * Detail with rating summary and the latest reviews: at most three queries whatever the number of
   * reviews (the restaurant, then its latest reviews and its rating distribution side by side; only
   * the first without reviews), all on one server so they see the same replay position.
   */
  async detail(id: string): Promise<RestaurantDetailView | null> {
    return cachedRead(
      this.deps.cache,
      NS.detail,
      detailKey(id),
      () => this.loadDetail(id),
      detailOptions(id),
    );
  }

  /** The detail from the database, bypassing the cache (the loader of `detail`, also used for warming). */
  async loadDetail(id: string): Promise<RestaurantDetailView | null> {
    const { db, restaurants, reviews } = this.deps;
    const client = db.read();
    const card = await restaurants.findCard(id, client);
    if (!card) return null;
    // rating_count is kept equal to the number of reviews in every review write's transaction.
    const [latestReviews, distribution] =
      card.ratingCount === 0
        ? [[], { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }]
        : await Promise.all([reviews.page(id, 0, LATEST_REVIEWS, client), reviews.distribution(id, client)]);
    return {
      ...card,
      ratingSummary: { average: roundRating(card.ratingAvg), count: card.ratingCount, distribution },
      latestReviews,
    };
  }

  /** A page of a restaurant's reviews, newest first; null when the restaurant does not exist. */
  async reviews(id: string, { page, pageSize }: PageRequest) {
    const { db, cache, restaurants, reviews } = this.deps;
    return cachedRead(
      cache,
      NS.detail,
      reviewsKey(id, page, pageSize),
      async () => {
        const client = db.read();
        const card = await restaurants.findCard(id, client);
        if (!card) return null;
        // rating_count is kept equal to the number of reviews in every review write's transaction.
        const items =
          card.ratingCount === 0 ? [] : await reviews.page(id, (page - 1) * pageSize, pageSize, client);
        return { items, page, pageSize, total: card.ratingCount };
      },
      { tags: [restaurantTag(id)] },
    );
  }
}
