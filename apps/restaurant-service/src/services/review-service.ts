import type { Identity } from '@tablestack/auth';
import type { Cache } from '@tablestack/cache';
import { type Database, DbConflictError, type DbTransaction } from '@tablestack/db';
import { enqueueOutbox } from '@tablestack/jobs';
import { ProblemError } from '@tablestack/service-kit';
import type { RestaurantRepository, RestaurantScope } from '../repositories/restaurant-repository.js';
import type { ReviewRepository, ReviewView } from '../repositories/review-repository.js';
import { restaurantProblem } from '../restaurant-error-codes.js';
import { tagsAfterReviewWrite } from './cache-keys.js';

/** Prisma's code for a foreign key that points nowhere (here: the author's account is gone). */
const FOREIGN_KEY_VIOLATION = 'P2003';

const notFound = (id: string) => new ProblemError('NOT_FOUND', { detail: `No review ${id}` });

/**
 * Review writes. Each one, in a single transaction on the primary: locks the restaurant row (so
 * concurrent reviews of one restaurant update its aggregates one after the other), writes the review,
 * recomputes the restaurant's rating_avg/rating_count from its reviews and, for a new review, adds
 * the notification job to the outbox. Then, before answering, it invalidates the cache entries the
 * write changed (see cache-keys.ts).
 */
export class ReviewService {
  constructor(
    private readonly deps: {
      db: Pick<Database, 'transaction'>;
      cache: Cache;
      restaurants: RestaurantRepository;
      reviews: ReviewRepository;
    },
  ) {}

  async create(
    author: Identity,
    restaurantId: string,
    body: { rating: number; comment: string },
  ): Promise<ReviewView> {
    const { db, restaurants, reviews } = this.deps;
    const { review, scope } = await db
      .transaction(async (tx) => {
        const scope = await restaurants.lock(tx, restaurantId);
        if (!scope) throw new ProblemError('NOT_FOUND', { detail: `No restaurant ${restaurantId}` });
        const review = await reviews.create(tx, { restaurantId, userId: author.userId, ...body });
        await reviews.recomputeRatings(tx, restaurantId);
        // The worker turns it into a notification (relayed from the outbox; schema in @tablestack/jobs).
        await enqueueOutbox(tx, 'notifications', 'review-created', {
          reviewId: review.id,
          restaurantId,
          userId: author.userId,
        });
        return { review, scope };
      })
      .catch((error: unknown) => {
        if (error instanceof DbConflictError)
          throw restaurantProblem(
            'REVIEW_EXISTS',
            'You have already reviewed this restaurant; edit that review instead.',
          );
        if ((error as { code?: unknown })?.code === FOREIGN_KEY_VIOLATION)
          throw restaurantProblem('UNKNOWN_USER', 'The account behind this token no longer exists.');
        throw error;
      });
    await this.deps.cache.invalidateTags(...tagsAfterReviewWrite(scope));
    return review;
  }

  async update(
    caller: Identity,
    id: string,
    fields: { rating?: number; comment?: string },
  ): Promise<ReviewView> {
    const { review, scope } = await this.#changeOwn(caller, id, async (tx, restaurantId) => {
      const updated = await this.deps.reviews.update(tx, id, fields);
      if (!updated) throw notFound(id);
      await this.deps.reviews.recomputeRatings(tx, restaurantId);
      return updated;
    });
    await this.deps.cache.invalidateTags(...tagsAfterReviewWrite(scope));
    return review;
  }

  async delete(caller: Identity, id: string): Promise<void> {
    const { scope } = await this.#changeOwn(caller, id, async (tx, restaurantId) => {
      if (!(await this.deps.reviews.delete(tx, id))) throw notFound(id);
      await this.deps.reviews.recomputeRatings(tx, restaurantId);
    });
    await this.deps.cache.invalidateTags(...tagsAfterReviewWrite(scope));
  }

  /**
   * Runs `change` on a review its author (or an admin) may change: 404 when there is no such review,
   * 403 when it is someone else's. The restaurant is locked before the review is written, the same
   * order as `create`, so concurrent writes cannot deadlock.
   */
  async #changeOwn<T>(
    caller: Identity,
    id: string,
    change: (tx: DbTransaction, restaurantId: string) => Promise<T>,
  ): Promise<{ review: T; scope: RestaurantScope }> {
    const { db, restaurants, reviews } = this.deps;
    return db.transaction(async (tx) => {
      const ownership = await reviews.findOwnership(tx, id);
      if (!ownership) throw notFound(id);
      if (ownership.userId !== caller.userId && caller.role !== 'ADMIN')
        throw new ProblemError('FORBIDDEN', {
          detail: 'Only its author or an administrator may change a review.',
        });
      const scope = await restaurants.lock(tx, ownership.restaurantId);
      // The restaurant went away with its reviews (cascade) since the review was read.
      if (!scope) throw notFound(id);
      return { review: await change(tx, ownership.restaurantId), scope };
    });
  }
}
