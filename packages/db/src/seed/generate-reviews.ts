import { COMPLAINTS, MIXED, PRAISE } from './catalog-words.js';
import { userCreatedAtMs, userId } from './generate-users.js';
import type { Prng } from './prng.js';
import { isoTimestamp, SEED_EPOCH_MS } from './seed-clock.js';
import type { SeedPlan } from './seed-plan.js';
import { IdSpace, seededUuid } from './seeded-uuid.js';

export interface ReviewRow {
  id: string;
  userId: string;
  restaurantId: string;
  rating: number;
  comment: string;
  createdAt: string;
}

/** What the reviews of one restaurant depend on; they are generated from the restaurant's stream. */
export interface ReviewedRestaurant {
  index: number;
  id: string;
  createdAtMs: number;
  /** The restaurant's "true" rating (1.5-4.9); each review scatters around it. */
  quality: number;
  dishes: readonly string[];
}

/**
 * 0 to 2x the planned average reviews, each by a different user (the (user, restaurant) pair is
 * unique in the schema), dated after both the restaurant opened and the user signed up.
 */
export function generateReviews(plan: SeedPlan, prng: Prng, restaurant: ReviewedRestaurant): ReviewRow[] {
  const count = Math.min(prng.int(0, 2 * plan.reviewsPerRestaurant), plan.users);
  return distinctIndexes(prng, count, plan.users).map((userIndex, slot) => {
    const rating = clamp(Math.round(restaurant.quality + prng.normal() * 0.9), 1, 5);
    const earliest = Math.max(restaurant.createdAtMs, userCreatedAtMs(plan, userIndex));
    return {
      id: seededUuid(plan.seed, IdSpace.review, restaurant.index, slot),
      userId: userId(plan, userIndex),
      restaurantId: restaurant.id,
      rating,
      comment: reviewComment(prng, rating, restaurant.dishes),
      createdAt: isoTimestamp(earliest + Math.floor(prng.next() * (SEED_EPOCH_MS - earliest))),
    };
  });
}

/** Rating aggregates as the restaurant-service keeps them: the mean of the ratings, 0 when none. */
export function ratingAggregate(reviews: readonly Pick<ReviewRow, 'rating'>[]): {
  avg: number;
  count: number;
} {
  if (reviews.length === 0) return { avg: 0, count: 0 };
  const sum = reviews.reduce((total, review) => total + review.rating, 0);
  return { avg: sum / reviews.length, count: reviews.length };
}

/** `count` distinct integers in [0, bound) by Floyd's algorithm: O(count), whatever the bound. */
function distinctIndexes(prng: Prng, count: number, bound: number): number[] {
  const chosen = new Set<number>();
  for (let j = bound - count; j < bound; j++) {
    const candidate = prng.int(0, j);
    chosen.add(chosen.has(candidate) ? j : candidate);
  }
  return [...chosen];
}

function reviewComment(prng: Prng, rating: number, dishes: readonly string[]): string {
  // Many real reviews are a bare star rating.
  if (prng.chance(0.2)) return '';
  const templates = rating >= 4 ? PRAISE : rating === 3 ? MIXED : COMPLAINTS;
  return prng.pick(templates).replace('{dish}', prng.pick(dishes));
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
