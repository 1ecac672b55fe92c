import { randomUUID } from 'node:crypto';
import { RestaurantDetail } from '@tablestack/api-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixtures, type Instance, startInstance } from '../../test/restaurant-service-harness.js';

// The trigger of migration review_delete_ratings: deleting reviews by any route (a user's deletion
// cascading to their reviews, an admin's SQL) recomputes the ratings of the restaurants concerned.
// No service has a user-delete route; this is what keeps the aggregates right when one is deleted.
let fx: Fixtures;
let app: Instance;

beforeAll(async () => {
  fx = await Fixtures.open();
});

afterAll(async () => {
  await app?.close();
  await fx?.cleanUp();
});

async function aggregates(id: string) {
  const { rows } = await fx.query<{ rating_avg: number; rating_count: number; reviews: number }>(
    `select rating_avg, rating_count, (select count(*)::int from reviews where restaurant_id = $1) as reviews
       from restaurants where id = $1`,
    [id],
  );
  return rows[0]!;
}

async function review(userId: string, restaurantId: string, rating: number) {
  await fx.query(
    `insert into reviews (id, user_id, restaurant_id, rating, updated_at) values (gen_random_uuid(), $1, $2, $3, now())`,
    [userId, restaurantId, rating],
  );
  await fx.query(
    `update restaurants set (rating_avg, rating_count) =
       (select coalesce(avg(rating), 0)::real, count(*)::int from reviews where restaurant_id = $1) where id = $1`,
    [restaurantId],
  );
}

describe('deleting a user', () => {
  it("recomputes the rating of every restaurant they reviewed, in the deleting statement's transaction", async () => {
    const [a, b, c] = [await fx.restaurant(), await fx.restaurant(), await fx.restaurant()];
    const leaving = await fx.user();
    const staying = await fx.user();
    await review(leaving.userId, a, 1);
    await review(staying.userId, a, 5);
    await review(leaving.userId, b, 2);
    await review(staying.userId, c, 4);
    expect(await aggregates(a)).toMatchObject({ rating_avg: 3, rating_count: 2 });

    await fx.query('delete from users where id = $1', [leaving.userId]);

    expect(await aggregates(a)).toEqual({ rating_avg: 5, rating_count: 1, reviews: 1 });
    // Their only review: back to no rating at all.
    expect(await aggregates(b)).toEqual({ rating_avg: 0, rating_count: 0, reviews: 0 });
    // Not reviewed by them: unchanged.
    expect(await aggregates(c)).toEqual({ rating_avg: 4, rating_count: 1, reviews: 1 });

    // What the API shows (a fresh instance, so no cached detail): the summary and the reviews agree.
    await fx.settle();
    app = await startInstance(randomUUID().slice(0, 8));
    const detail = RestaurantDetail.parse((await app.request('GET', `/restaurants/${a}`)).body);
    expect(detail.ratingSummary).toEqual({
      average: 5,
      count: 1,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 },
    });
    expect(detail.latestReviews.map((r) => r.userId)).toEqual([staying.userId]);
  });

  it('is consistent for several users deleted in one statement, and a rollback undoes it all', async () => {
    const id = await fx.restaurant();
    const users = [await fx.user(), await fx.user(), await fx.user()];
    for (const [index, user] of users.entries()) await review(user.userId, id, index + 3); // 3, 4, 5

    await fx.query('begin');
    await fx.query('delete from users where id = any($1::uuid[])', [[users[0]!.userId, users[2]!.userId]]);
    expect(await aggregates(id)).toEqual({ rating_avg: 4, rating_count: 1, reviews: 1 });
    await fx.query('rollback');
    expect(await aggregates(id)).toEqual({ rating_avg: 4, rating_count: 3, reviews: 3 });

    await fx.query('delete from reviews where restaurant_id = $1 and rating >= 4', [id]);
    expect(await aggregates(id)).toEqual({ rating_avg: 3, rating_count: 1, reviews: 1 });
  });
});
