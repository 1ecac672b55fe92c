import type { ListCursorPosition } from '@tablestack/api-contract';
import type { Database, DbClient, DbTransaction } from '@tablestack/db';
import { cardSelect, type RestaurantCard, type RestaurantRow, toCard } from './restaurant-card.js';
import { lockRestaurantSql, nearbySql, type SearchMatch, searchSql } from './restaurant-sql.js';

/** The list filters (all optional, combined with AND). City and cuisine match exactly. */
export interface RestaurantFilter {
  city?: string | undefined;
  cuisine?: string | undefined;
  priceLevel?: number | undefined;
  minRating?: number | undefined;
}

export type RestaurantSort = 'rating' | 'name' | 'newest';

/** Where a restaurant sits in the list filters, before and after a write: what cache invalidation needs. */
export interface RestaurantScope {
  id: string;
  city: string;
  cuisine: string;
}

export interface RestaurantFields {
  name: string;
  cuisine: string;
  city: string;
  address: string;
  description: string;
  lat: number;
  lng: number;
  priceLevel: number;
}

/**
 * Each sort ends with the id so that pages never overlap or skip rows with equal values. `rating`
 * follows the index on (rating_avg desc, id) and, with a city and cuisine, (city, cuisine, rating_avg desc).
 */
const orderBy = {
  rating: [{ ratingAvg: 'desc' }, { id: 'asc' }],
  name: [{ name: 'asc' }, { id: 'asc' }],
  newest: [{ createdAt: 'desc' }, { id: 'desc' }],
} as const;

function where(filter: RestaurantFilter) {
  return {
    ...(filter.city === undefined ? {} : { city: filter.city }),
    ...(filter.cuisine === undefined ? {} : { cuisine: filter.cuisine }),
    ...(filter.priceLevel === undefined ? {} : { priceLevel: filter.priceLevel }),
    ...(filter.minRating === undefined ? {} : { ratingAvg: { gte: filter.minRating } }),
  };
}

/** Where `row` sits in `sort` order: what a cursor after it holds (the raw rating, not the rounded one). */
function positionOf(sort: RestaurantSort, row: RestaurantRow): ListCursorPosition {
  if (sort === 'rating') return { s: 'rating', v: Number(row.ratingAvg), id: row.id };
  if (sort === 'name') return { s: 'name', v: row.name, id: row.id };
  return { s: 'newest', v: row.createdAt.toISOString(), id: row.id };
}

/**
 * The rows after a position in its sort order (see orderBy): a strictly later sort value, or the same
 * value and a later id. The redundant bound on the sort value alone (`<=`, `>=`) is what an index scan
 * can start from; without it the OR would be a filter over the whole index up to the position.
 */
function afterPosition(position: ListCursorPosition) {
  if (position.s === 'rating')
    return {
      ratingAvg: { lte: position.v },
      OR: [{ ratingAvg: { lt: position.v } }, { ratingAvg: position.v, id: { gt: position.id } }],
    };
  if (position.s === 'name')
    return {
      name: { gte: position.v },
      OR: [{ name: { gt: position.v } }, { name: position.v, id: { gt: position.id } }],
    };
  const createdAt = new Date(position.v);
  return {
    createdAt: { lte: createdAt },
    OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: position.id } }],
  };
}

interface RawCardRow extends RestaurantRow {
  rank?: number;
  match?: SearchMatch;
  distanceM?: number;
}

/**
 * Restaurant data access. Reads go through `db.read()` (a replica, or the primary after this
 * request's writes or when the caller must see a newer write); writes take a transaction client.
 */
export class RestaurantRepository {
  constructor(private readonly db: Pick<Database, 'read' | 'write'>) {}

  /** The cards of `ids` in one query; ids that do not exist are missing from the map. */
  async findCards(
    ids: readonly string[],
    client: DbClient = this.db.read(),
  ): Promise<Map<string, RestaurantCard>> {
    if (ids.length === 0) return new Map();
    const rows = await client.restaurant.findMany({ where: { id: { in: [...ids] } }, select: cardSelect });
    return new Map(rows.map((row) => [row.id, toCard(row)]));
  }

  async findCard(id: string, client: DbClient = this.db.read()): Promise<RestaurantCard | null> {
    const row = await client.restaurant.findUnique({ where: { id }, select: cardSelect });
    return row ? toCard(row) : null;
  }

  /**
   * Up to `limit` cards in `sort` order, from `offset` or, with `after`, right after that row
   * (keyset), each with the cursor position that continues after it (raw sort value and id).
   */
  async list(
    filter: RestaurantFilter,
    sort: RestaurantSort,
    from: { offset: number } | { after: ListCursorPosition },
    limit: number,
  ): Promise<Array<{ card: RestaurantCard; position: ListCursorPosition }>> {
    const rows = await this.db.read().restaurant.findMany({
      where: 'after' in from ? { AND: [where(filter), afterPosition(from.after)] } : where(filter),
      orderBy: [...orderBy[sort]],
      ...('offset' in from ? { skip: from.offset } : {}),
      take: limit,
      select: cardSelect,
    });
    return rows.map((row) => ({ card: toCard(row), position: positionOf(sort, row) }));
  }

  count(filter: RestaurantFilter): Promise<number> {
    return this.db.read().restaurant.count({ where: where(filter) });
  }

  /**
   * One page of search hits, best first, with their rank and how they matched (full-text hits, then,
   * when those are few, trigram hits for typos; see searchSql); `limit` rows at most.
   */
  async search(
    q: string,
    offset: number,
    limit: number,
  ): Promise<Array<{ card: RestaurantCard; rank: number; match: SearchMatch }>> {
    const rows = await this.db.read().$queryRaw<RawCardRow[]>(searchSql(q, limit, offset));
    return rows.map((row) => ({ card: toCard(row), rank: Number(row.rank), match: row.match ?? 'text' }));
  }

  /** Restaurants within `radiusM` metres, nearest first, with their distance in metres. */
  async nearby(
    lat: number,
    lng: number,
    radiusM: number,
    limit: number,
  ): Promise<Array<{ card: RestaurantCard; distanceM: number }>> {
    const rows = await this.db.read().$queryRaw<RawCardRow[]>(nearbySql(lat, lng, radiusM, limit));
    return rows.map((row) => ({ card: toCard(row), distanceM: Number(row.distanceM) }));
  }

  /** The ids of the most reviewed restaurants, for cache warming. */
  async mostReviewedIds(limit: number): Promise<string[]> {
    const rows = await this.db.read().restaurant.findMany({
      orderBy: [{ ratingCount: 'desc' }, { id: 'asc' }],
      take: limit,
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /** Locks the row until the transaction ends (see lockRestaurantSql); null when there is none. */
  async lock(tx: DbTransaction, id: string): Promise<RestaurantScope | null> {
    const rows = await tx.$queryRaw<RestaurantScope[]>(lockRestaurantSql(id));
    return rows[0] ?? null;
  }

  async create(fields: RestaurantFields): Promise<RestaurantCard> {
    return toCard(await this.db.write().restaurant.create({ data: fields, select: cardSelect }));
  }

  async update(tx: DbTransaction, id: string, fields: Partial<RestaurantFields>): Promise<RestaurantCard> {
    return toCard(await tx.restaurant.update({ where: { id }, data: fields, select: cardSelect }));
  }

  async delete(tx: DbTransaction, id: string): Promise<void> {
    await tx.restaurant.delete({ where: { id }, select: { id: true } });
  }
}
