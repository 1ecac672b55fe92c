import type { Database, DbClient, DbTransaction } from '@tablestack/db';
import { recomputeRatingsSql } from './restaurant-sql.js';

/** A review as answers show it (dates as ISO strings, see restaurant-card.ts). */
export interface ReviewView {
  id: string;
  restaurantId: string;
  userId: string;
  rating: number;
  comment: string;
  createdAt: string;
  updatedAt: string;
}

/** Reviews per star rating. */
export type RatingDistribution = Record<'1' | '2' | '3' | '4' | '5', number>;

const reviewSelect = {
  id: true,
  restaurantId: true,
  userId: true,
  rating: true,
  comment: true,
  createdAt: true,
  updatedAt: true,
} as const;

interface ReviewRow extends Omit<ReviewView, 'createdAt' | 'updatedAt'> {
  createdAt: Date;
  updatedAt: Date;
}

const toView = (row: ReviewRow): ReviewView => ({
  ...row,
  rating: Number(row.rating),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** Newest first, ties by id, following the index on reviews(restaurant_id, created_at desc). */
const newestFirst = [{ createdAt: 'desc' }, { id: 'desc' }] as const;

export class ReviewRepository {
  constructor(private readonly db: Pick<Database, 'read'>) {}

  async page(
    restaurantId: string,
    offset: number,
    limit: number,
    client: DbClient = this.db.read(),
  ): Promise<ReviewView[]> {
    const rows = await client.review.findMany({
      where: { restaurantId },
      orderBy: [...newestFirst],
      skip: offset,
      take: limit,
      select: reviewSelect,
    });
    return rows.map(toView);
  }

  /** One grouped query, however many reviews there are. */
  async distribution(restaurantId: string, client: DbClient = this.db.read()): Promise<RatingDistribution> {
    const groups = await client.review.groupBy({
      by: ['rating'],
      where: { restaurantId },
      _count: { _all: true },
    });
    const distribution: RatingDistribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    for (const group of groups)
      distribution[String(group.rating) as keyof RatingDistribution] = group._count._all;
    return distribution;
  }

  /** Author and restaurant of a review, inside a write transaction; null when there is none. */
  findOwnership(tx: DbTransaction, id: string): Promise<{ userId: string; restaurantId: string } | null> {
    return tx.review.findUnique({ where: { id }, select: { userId: true, restaurantId: true } });
  }

  async create(
    tx: DbTransaction,
    data: { restaurantId: string; userId: string; rating: number; comment: string },
  ): Promise<ReviewView> {
    return toView(await tx.review.create({ data, select: reviewSelect }));
  }

  /** Null when the review is gone (deleted concurrently). */
  async update(
    tx: DbTransaction,
    id: string,
    fields: { rating?: number; comment?: string },
  ): Promise<ReviewView | null> {
    const { count } = await tx.review.updateMany({ where: { id }, data: fields });
    if (count === 0) return null;
    const row = await tx.review.findUnique({ where: { id }, select: reviewSelect });
    return row ? toView(row) : null;
  }

  /** False when there was nothing to delete. */
  async delete(tx: DbTransaction, id: string): Promise<boolean> {
    const { count } = await tx.review.deleteMany({ where: { id } });
    return count > 0;
  }

  /** Brings the restaurant's rating_avg/rating_count in line with its reviews (same transaction as the write). */
  async recomputeRatings(tx: DbTransaction, restaurantId: string): Promise<void> {
    await tx.$executeRaw(recomputeRatingsSql(restaurantId));
  }
}
