import { describe, expect, it } from 'vitest';
import { CITIES } from './catalog-cities.js';
import { CUISINES } from './catalog-cuisines.js';
import { generateRestaurant, restaurantId } from './generate-restaurants.js';
import { ratingAggregate } from './generate-reviews.js';
import { generateUser, generateUsers, userId } from './generate-users.js';
import { SEED_EPOCH_MS } from './seed-clock.js';
import { resolvePlan } from './seed-plan.js';

const plan = resolvePlan({ restaurants: 2000, users: 150, reviewsPerRestaurant: 4, seed: 'unit' });
const restaurants = Array.from({ length: plan.restaurants }, (_, i) => generateRestaurant(plan, i));
const reviews = restaurants.flatMap((r) => r.reviews);
const users = [...generateUsers(plan)];

describe('determinism', () => {
  it('gives identical rows for the same plan', () => {
    expect(generateRestaurant(plan, 17)).toEqual(generateRestaurant({ ...plan }, 17));
    expect(generateUser(plan, 17)).toEqual(generateUser(resolvePlan({ ...plan, seed: 'unit' }), 17));
    expect(JSON.stringify(restaurants.slice(0, 50))).toBe(
      JSON.stringify(Array.from({ length: 50 }, (_, i) => generateRestaurant(plan, i))),
    );
  });

  it('gives different rows for a different seed', () => {
    const other = resolvePlan({ ...plan, seed: 'other' });
    const a = generateRestaurant(plan, 0);
    const b = generateRestaurant(other, 0);
    expect(b.restaurant.id).not.toBe(a.restaurant.id);
    expect(restaurants.slice(0, 20).map((r) => r.restaurant.name)).not.toEqual(
      Array.from({ length: 20 }, (_, i) => generateRestaurant(other, i).restaurant.name),
    );
    expect(generateUser(other, 0).id).not.toBe(generateUser(plan, 0).id);
  });

  it('computes the same ids that rows carry, for markers and foreign keys', () => {
    expect(restaurants[5]!.restaurant.id).toBe(restaurantId(plan, 5));
    expect(users[5]!.id).toBe(userId(plan, 5));
  });
});

describe('restaurants', () => {
  it('stay within the catalog and the schema ranges', () => {
    const cities = new Map(CITIES.map((c) => [c.name, c]));
    const cuisines = new Set(CUISINES.map((c) => c.name));
    for (const { restaurant: r } of restaurants) {
      expect(cuisines.has(r.cuisine)).toBe(true);
      const city = cities.get(r.city)!;
      expect(city).toBeDefined();
      // Within ~6 standard deviations of the centre: close to the city, never across the globe.
      expect(Math.abs(r.lat - city.lat) * 110.574).toBeLessThan(city.spreadKm * 6.5);
      expect(Math.abs(r.lng - city.lng) * 111.32 * Math.cos((city.lat * Math.PI) / 180)).toBeLessThan(
        city.spreadKm * 6.5,
      );
      expect([1, 2, 3, 4]).toContain(r.priceLevel);
      expect(r.name.length).toBeGreaterThan(3);
      expect(r.address).toMatch(/^\d+ \S+ \S+$/);
      expect(r.description).toContain(r.cuisine);
      expect(Date.parse(r.createdAt)).toBeLessThan(SEED_EPOCH_MS);
    }
  });

  it('spread over many cities and cuisines', () => {
    expect(new Set(restaurants.map((r) => r.restaurant.city)).size).toBe(CITIES.length);
    expect(new Set(restaurants.map((r) => r.restaurant.cuisine)).size).toBe(CUISINES.length);
  });

  it('have unique ids', () => {
    expect(new Set(restaurants.map((r) => r.restaurant.id)).size).toBe(plan.restaurants);
  });
});

describe('users', () => {
  it('have unique ids and emails, the demo password hash and the USER role', () => {
    expect(users).toHaveLength(plan.users);
    expect(new Set(users.map((u) => u.id)).size).toBe(plan.users);
    expect(new Set(users.map((u) => u.email)).size).toBe(plan.users);
    for (const user of users) {
      expect(user.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.com$/);
      expect(user.role).toBe('USER');
      expect(user.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    }
  });
});

describe('reviews', () => {
  it('are at most one per (user, restaurant), with unique ids and ratings 1-5', () => {
    expect(new Set(reviews.map((r) => `${r.userId}/${r.restaurantId}`)).size).toBe(reviews.length);
    expect(new Set(reviews.map((r) => r.id)).size).toBe(reviews.length);
    for (const review of reviews) expect([1, 2, 3, 4, 5]).toContain(review.rating);
  });

  it('average the planned count per restaurant, between 0 and twice it', () => {
    const counts = restaurants.map((r) => r.reviews.length);
    expect(Math.min(...counts)).toBe(0);
    expect(Math.max(...counts)).toBe(2 * plan.reviewsPerRestaurant);
    expect(reviews.length / plan.restaurants).toBeCloseTo(plan.reviewsPerRestaurant, 0);
  });

  it('are capped by the number of users', () => {
    const few = resolvePlan({ restaurants: 50, users: 3, reviewsPerRestaurant: 10, seed: 'few' });
    for (let i = 0; i < few.restaurants; i++) {
      const { reviews: some } = generateRestaurant(few, i);
      expect(some.length).toBeLessThanOrEqual(3);
      expect(new Set(some.map((r) => r.userId)).size).toBe(some.length);
    }
  });

  it('reference seeded users and are dated after the user and the restaurant', () => {
    const byId = new Map(users.map((u) => [u.id, u]));
    // One assertion over all reviews: thousands of expect() calls take seconds on a busy machine.
    const wrong: string[] = [];
    for (const { restaurant, reviews: own } of restaurants) {
      for (const review of own) {
        const user = byId.get(review.userId);
        if (!user) wrong.push(`${review.id}: unknown user`);
        else if (review.restaurantId !== restaurant.id) wrong.push(`${review.id}: wrong restaurant`);
        else if (review.createdAt < restaurant.createdAt || review.createdAt < user.createdAt)
          wrong.push(`${review.id}: dated too early`);
        else if (Date.parse(review.createdAt) >= SEED_EPOCH_MS)
          wrong.push(`${review.id}: dated after the seed epoch`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("match each restaurant's rating aggregates", () => {
    for (const { restaurant, reviews: own } of restaurants) {
      expect(restaurant.ratingCount).toBe(own.length);
      const mean = own.length === 0 ? 0 : own.reduce((sum, r) => sum + r.rating, 0) / own.length;
      expect(restaurant.ratingAvg).toBe(mean);
    }
    expect(ratingAggregate([])).toEqual({ avg: 0, count: 0 });
    expect(ratingAggregate([{ rating: 4 }, { rating: 5 }])).toEqual({ avg: 4.5, count: 2 });
  });

  it('use the whole rating scale', () => {
    expect(new Set(reviews.map((r) => r.rating)).size).toBe(5);
  });
});
