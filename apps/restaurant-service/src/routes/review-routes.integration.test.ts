import { randomUUID } from 'node:crypto';
import { Review } from '@tablestack/api-contract';
import { IDENTITY_HEADERS, type Role } from '@tablestack/auth';
import { DB_LSN_HEADER } from '@tablestack/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  Fixtures,
  type Instance,
  LEAK_PATTERN,
  type RequestOptions,
  startInstance,
} from '../../test/restaurant-service-harness.js';

// Review writes against the stack, in-process, with identity headers as the gateway sets them.
let fx: Fixtures;
let app: Instance;
const answers: Answer[] = [];
type User = { userId: string; role: Role };

/**
 * Like the gateway: remembers the x-db-lsn a user's write answered with and sends it on that user's
 * next requests, so their reads see their writes even on a lagging replica.
 */
const positions = new Map<string, string>();
async function send(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const lsn = options.as ? positions.get(options.as.userId) : undefined;
  const answer = await app.request(method, path, {
    ...options,
    headers: { ...options.headers, ...(lsn ? { [DB_LSN_HEADER]: lsn } : {}) },
  });
  const written = answer.headers.get(DB_LSN_HEADER);
  if (written && options.as) positions.set(options.as.userId, written);
  answers.push(answer);
  return answer;
}

const post = (restaurantId: string, as: User | undefined, json: unknown) =>
  send('POST', `/restaurants/${restaurantId}/reviews`, { ...(as ? { as } : {}), json });

async function outboxRows(restaurantId: string) {
  const { rows } = await fx.query<{ queue: string; job_name: string; payload: unknown; status: string }>(
    `select queue, job_name, payload, status from outbox where payload->>'restaurantId' = $1`,
    [restaurantId],
  );
  return rows;
}

beforeAll(async () => {
  fx = await Fixtures.open();
  app = await startInstance(randomUUID().slice(0, 8));
});

afterAll(async () => {
  await app?.close();
  await fx?.cleanUp();
});

describe('POST /restaurants/:id/reviews', () => {
  it('creates the review, updates the aggregates and queues the notification in the same transaction', async () => {
    const restaurantId = await fx.restaurant();
    await fx.reviews(restaurantId, [2]);
    const author = await fx.user();
    const answer = await post(restaurantId, author, { rating: 5, comment: '  Lovely  ' });
    expect(answer.status).toBe(201);
    const review = Review.parse(answer.body);
    expect(review).toMatchObject({ restaurantId, userId: author.userId, rating: 5, comment: 'Lovely' });
    expect(answer.headers.get(DB_LSN_HEADER)).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

    const { rows } = await fx.query<{ rating_avg: number; rating_count: number }>(
      'select rating_avg, rating_count from restaurants where id = $1',
      [restaurantId],
    );
    expect(rows[0]).toEqual({ rating_avg: 3.5, rating_count: 2 });
    expect(await outboxRows(restaurantId)).toEqual([
      {
        queue: 'notifications',
        job_name: 'review-created',
        // The stack's worker may already have relayed it to the queue.
        status: expect.stringMatching(/^(PENDING|SENT)$/),
        payload: { reviewId: review.id, restaurantId, userId: author.userId },
      },
    ]);

    // The author's next read (carrying the position, as through the gateway) shows it.
    const detail = await send('GET', `/restaurants/${restaurantId}`, { as: author });
    expect(detail.body.ratingSummary).toMatchObject({ average: 3.5, count: 2 });
    expect(detail.body.latestReviews[0].id).toBe(review.id);
  });

  it('refuses a second review by the same user with 409 REVIEW_EXISTS, and changes nothing', async () => {
    const restaurantId = await fx.restaurant();
    const author = await fx.user();
    expect((await post(restaurantId, author, { rating: 4 })).status).toBe(201);
    const again = await post(restaurantId, author, { rating: 1, comment: 'changed my mind' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'REVIEW_EXISTS', status: 409 });
    const { rows } = await fx.query('select rating_avg, rating_count from restaurants where id = $1', [
      restaurantId,
    ]);
    expect(rows[0]).toEqual({ rating_avg: 4, rating_count: 1 });
    expect(await outboxRows(restaurantId)).toHaveLength(1);
  });

  it('keeps the aggregates exact under concurrent reviews of one restaurant', async () => {
    const restaurantId = await fx.restaurant();
    const authors: User[] = [];
    for (let index = 0; index < 12; index += 1) authors.push(await fx.user());
    const ratings = authors.map((_, index) => (index % 5) + 1);
    const statuses = await Promise.all(
      authors.map((author, index) => post(restaurantId, author, { rating: ratings[index] })),
    );
    expect(statuses.map((answer) => answer.status)).toEqual(authors.map(() => 201));
    const { rows } = await fx.query<{
      rating_avg: number;
      rating_count: number;
      reviews: number;
      avg: number;
    }>(
      `select rating_avg, rating_count, (select count(*)::int from reviews where restaurant_id = $1) as reviews,
              (select avg(rating)::real from reviews where restaurant_id = $1) as avg
         from restaurants where id = $1`,
      [restaurantId],
    );
    expect(rows[0]!.rating_count).toBe(12);
    expect(rows[0]!.reviews).toBe(12);
    expect(rows[0]!.rating_avg).toBe(rows[0]!.avg);
    expect(await outboxRows(restaurantId)).toHaveLength(12);
  });

  it('is a 404 for an unknown restaurant, with no outbox row', async () => {
    const restaurantId = randomUUID();
    const answer = await post(restaurantId, await fx.user(), { rating: 3 });
    expect(answer.status).toBe(404);
    expect(await outboxRows(restaurantId)).toEqual([]);
  });

  it('is a 401 UNKNOWN_USER when the account behind the identity is gone', async () => {
    const restaurantId = await fx.restaurant();
    const answer = await post(restaurantId, { userId: randomUUID(), role: 'USER' }, { rating: 3 });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('UNKNOWN_USER');
  });

  it.each([
    ['rating 0', { rating: 0 }],
    ['rating 6', { rating: 6 }],
    ['rating 3.5', { rating: 3.5 }],
    ['rating as a string', { rating: '4' }],
    ['no rating', { comment: 'hi' }],
    ['comment over 2000 characters', { rating: 3, comment: 'x'.repeat(2001) }],
    ['an author of its own (mass assignment)', { rating: 3, userId: randomUUID() }],
    ['a restaurant of its own', { rating: 3, restaurantId: randomUUID() }],
  ])('refuses a body with %s (400)', async (_what, json) => {
    const restaurantId = await fx.restaurant();
    const answer = await post(restaurantId, await fx.user(), json);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a body that is not JSON (400 MALFORMED_JSON)', async () => {
    const restaurantId = await fx.restaurant();
    const answer = await send('POST', `/restaurants/${restaurantId}/reviews`, {
      as: await fx.user(),
      raw: '{"rating":',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('MALFORMED_JSON');
  });
});

describe('who may write', () => {
  const forged = (userId: string, secret?: string) => ({
    [IDENTITY_HEADERS.userId]: userId,
    [IDENTITY_HEADERS.role]: 'ADMIN',
    ...(secret === undefined ? {} : { [IDENTITY_HEADERS.internalAuth]: secret }),
  });

  it.each([
    ['no identity', () => ({})],
    ['identity headers without the internal secret', (userId: string) => forged(userId)],
    ['identity headers with a wrong secret', (userId: string) => forged(userId, 'not-the-internal-secret')],
  ])('%s → 401 on every review write', async (_what, headers) => {
    const user = await fx.user();
    const restaurantId = await fx.restaurant();
    const reviewId = (await post(restaurantId, user, { rating: 3 })).body.id;
    const attempts = [
      send('POST', `/restaurants/${restaurantId}/reviews`, {
        json: { rating: 1 },
        headers: headers(user.userId),
      }),
      send('PATCH', `/reviews/${reviewId}`, { json: { rating: 1 }, headers: headers(user.userId) }),
      send('DELETE', `/reviews/${reviewId}`, { headers: headers(user.userId) }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('UNAUTHORIZED');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('checks identity before input: an anonymous bad body is still a 401', async () => {
    const answer = await send('POST', '/restaurants/not-a-uuid/reviews', { json: { rating: 99 } });
    expect(answer.status).toBe(401);
  });
});

describe('PATCH and DELETE /reviews/:id', () => {
  let restaurantId: string;
  let author: User;
  let reviewId: string;

  beforeAll(async () => {
    restaurantId = await fx.restaurant();
    await fx.reviews(restaurantId, [1]);
    author = await fx.user();
    reviewId = (await post(restaurantId, author, { rating: 3, comment: 'ok' })).body.id;
  });

  const aggregates = async () =>
    (await fx.query('select rating_avg, rating_count from restaurants where id = $1', [restaurantId]))
      .rows[0];

  it('lets the author edit, and recomputes the aggregates', async () => {
    const answer = await send('PATCH', `/reviews/${reviewId}`, { as: author, json: { rating: 5 } });
    expect(answer.status).toBe(200);
    expect(Review.parse(answer.body)).toMatchObject({ id: reviewId, rating: 5, comment: 'ok' });
    expect(await aggregates()).toEqual({ rating_avg: 3, rating_count: 2 });
    const detail = await send('GET', `/restaurants/${restaurantId}`, { as: author });
    expect(detail.body.ratingSummary).toMatchObject({ average: 3, distribution: { 1: 1, 3: 0, 5: 1 } });
  });

  it.each([
    ['another user', 403, 'USER' as const],
    ['an admin', 200, 'ADMIN' as const],
  ])('by %s → %i', async (_who, status, role) => {
    const caller = await fx.user(role);
    const answer = await send('PATCH', `/reviews/${reviewId}`, {
      as: caller,
      json: { comment: `edited by ${role}` },
    });
    expect(answer.status).toBe(status);
    if (status === 403) expect(answer.body.code).toBe('FORBIDDEN');
    const { rows } = await fx.query('select comment from reviews where id = $1', [reviewId]);
    expect(rows[0]!.comment).toBe(status === 200 ? `edited by ${role}` : 'ok');
  });

  it.each([
    ['an empty body', {}],
    ['rating 0', { rating: 0 }],
    ['an author change', { userId: randomUUID() }],
  ])('refuses %s (400)', async (_what, json) => {
    expect((await send('PATCH', `/reviews/${reviewId}`, { as: author, json })).status).toBe(400);
  });

  it.each([
    ['PATCH', { rating: 2 }],
    ['DELETE', undefined],
  ])('%s of an unknown review is a 404, of a malformed id a 400', async (method, json) => {
    const user = await fx.user();
    const unknown = await send(method, `/reviews/${randomUUID()}`, { as: user, ...(json ? { json } : {}) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const malformed = await send(method, '/reviews/42', { as: user, ...(json ? { json } : {}) });
    expect(malformed.status).toBe(400);
  });

  it('lets nobody but the author or an admin delete; deleting recomputes the aggregates', async () => {
    const other = await fx.user();
    expect((await send('DELETE', `/reviews/${reviewId}`, { as: other })).status).toBe(403);
    expect((await send('DELETE', `/reviews/${reviewId}`, { as: author })).status).toBe(204);
    expect(await aggregates()).toEqual({ rating_avg: 1, rating_count: 1 });
    expect((await send('DELETE', `/reviews/${reviewId}`, { as: author })).status).toBe(404);
  });

  it('lets an admin delete anyone’s review, down to no reviews at all', async () => {
    const { rows } = await fx.query<{ id: string }>('select id from reviews where restaurant_id = $1', [
      restaurantId,
    ]);
    const admin = await fx.user('ADMIN');
    for (const { id } of rows)
      expect((await send('DELETE', `/reviews/${id}`, { as: admin })).status).toBe(204);
    expect(await aggregates()).toEqual({ rating_avg: 0, rating_count: 0 });
    const detail = await send('GET', `/restaurants/${restaurantId}`, { as: admin });
    expect(detail.body).toMatchObject({ ratingAvg: 0, ratingCount: 0, latestReviews: [] });
  });
});

describe('cache invalidation by review writes', () => {
  it('a later reader (no position) gets the new detail, list order, count and search card, not the cached ones', async () => {
    const city = `City ${fx.tag} cache`;
    const word = `${fx.tag}cache`;
    const first = await fx.restaurant({ city, name: `First ${word}` });
    const second = await fx.restaurant({ city, name: `Second ${word}` });
    await fx.reviews(first, [3]);
    await fx.reviews(second, [2]);
    await fx.settle();
    const list = `/restaurants?city=${encodeURIComponent(city)}`;
    const rated = `${list}&minRating=3.5`;
    // Quoted: web-search syntax gets no typo (fuzzy) hits, which would bring in this file's other
    // restaurants (same tag) and their cards, cached or not depending on the tests before.
    const search = `/restaurants/search?q=${encodeURIComponent(`"${word}"`)}`;
    // Everything cached: the detail, the rating-ordered list, a rating-filtered total, a search.
    expect((await send('GET', `/restaurants/${second}`)).body.ratingCount).toBe(1);
    expect((await send('GET', list)).body.items.map((r: { id: string }) => r.id)).toEqual([first, second]);
    expect((await send('GET', rated)).body.total).toBe(0);
    expect((await send('GET', search)).body.items).toHaveLength(2);

    const author = await fx.user();
    expect((await post(second, author, { rating: 5 })).status).toBe(201);
    await fx.settle(); // replication is not what this test is about: every replica has the review now

    const detail = await send('GET', `/restaurants/${second}`);
    expect(detail.body.ratingSummary).toMatchObject({ average: 3.5, count: 2 });
    const relisted = await send('GET', list);
    expect(relisted.body.items.map((r: { id: string }) => r.id)).toEqual([second, first]); // 3.5 now beats 3
    expect(relisted.body.items[0].ratingCount).toBe(2);
    expect((await send('GET', rated)).body.total).toBe(1);

    // The search entry itself survives a review (ratings do not change who matches or the rank);
    // only the reviewed restaurant's card is read again.
    app.queries.length = 0;
    const searched = await send('GET', search);
    expect(searched.body.items.find((hit: { id: string }) => hit.id === second).ratingCount).toBe(2);
    expect(app.queries.map((entry) => entry.query)).toHaveLength(1);
    expect(app.queries[0]!.query).not.toMatch(/websearch_to_tsquery/);
  });
});

describe('answers', () => {
  it('never answer 500 or leak internals', () => {
    expect(answers.length).toBeGreaterThan(30);
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(LEAK_PATTERN);
    }
  });
});
