import { hashSeed } from './prng.js';

/** What to generate. The same plan always yields the same rows. */
export interface SeedPlan {
  /** The seed as given on the command line; printed so a run can be repeated. */
  seedText: string;
  /** 32-bit seed derived from seedText. */
  seed: number;
  restaurants: number;
  users: number;
  /** Average reviews per restaurant; each restaurant gets 0 to twice this many, at most `users`. */
  reviewsPerRestaurant: number;
}

export interface SeedPlanOptions {
  /** @default 10000 */
  restaurants?: number;
  /** @default max(100, floor(restaurants / 10)) */
  users?: number;
  /** @default 3 */
  reviewsPerRestaurant?: number;
  /** @default 'tablestack' */
  seed?: string;
}

export const DEFAULT_RESTAURANTS = 10_000;
export const DEFAULT_REVIEWS_PER_RESTAURANT = 3;
export const DEFAULT_SEED = 'tablestack';
/** Benchmarks go to 1M; the limits only stop typos (an extra zero) from running for hours. */
export const MAX_RESTAURANTS = 10_000_000;
export const MAX_USERS = 10_000_000;
/** Each review of a restaurant is by a different user; beyond this it stops looking like data. */
export const MAX_REVIEWS_PER_RESTAURANT = 1000;

export function resolvePlan(options: SeedPlanOptions = {}): SeedPlan {
  const restaurants = options.restaurants ?? DEFAULT_RESTAURANTS;
  const users = options.users ?? Math.max(100, Math.floor(restaurants / 10));
  const seedText = options.seed ?? DEFAULT_SEED;
  return {
    seedText,
    seed: hashSeed(seedText),
    restaurants,
    users,
    reviewsPerRestaurant: options.reviewsPerRestaurant ?? DEFAULT_REVIEWS_PER_RESTAURANT,
  };
}
