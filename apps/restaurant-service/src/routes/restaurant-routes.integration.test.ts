import { randomUUID } from 'node:crypto';
import {
  NearbyResult,
  RestaurantDetail,
  RestaurantPage,
  ReviewPage,
  SearchPage,
} from '@tablestack/api-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  Fixtures,
  type Instance,
  LEAK_PATTERN,
  startInstance,
} from '../../test/restaurant-service-harness.js';

// The read routes against the stack's Postgres (primary + replicas) and Redis, in-process. Rows are
// this run's own: a city of their own, a made-up word in their names, a patch of ocean for nearby.
let fx: Fixtures;
let app: Instance;
let city: string;
let word: string;
/** A point far from every seeded city, different for each run. */
const origin = { lat: -55 + Math.random(), lng: -140 + Math.random() };
const ids: Record<string, string> = {};
const answers: Answer[] = [];

async function get(path: string, headers?: Record<string, string>): Promise<Answer> {
  const answer = await app.request('GET', path, headers ? { headers } : {});
  answers.push(answer);
  return answer;
}

const q = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

beforeAll(async () => {
  fx = await Fixtures.open();
  app = await startInstance(randomUUID().slice(0, 8));
  city = `City ${fx.tag}`;
  word = fx.tag;
  // 0.01° of latitude is about 1.11 km.
  ids.near = await fx.restaurant({
    name: `Alpha ${word} Trattoria`,
    cuisine: 'Italian',
    city,
    lat: origin.lat + 0.001,
    lng: origin.lng,
    priceLevel: 2,
    description: 'wood fired pizza',
  });
  ids.middle = await fx.restaurant({
    name: `Bravo ${word} Bistro`,
    cuisine: 'French',
    city,
    lat: origin.lat + 0.02,
    lng: origin.lng,
    priceLevel: 3,
    description: `the ${word} of the town, with pizza on Sundays`,
  });
  ids.far = await fx.restaurant({
    name: `Charlie Grill`,
    cuisine: 'Italian',
    city,
    lat: origin.lat + 0.2,
    lng: origin.lng,
    priceLevel: 2,
    description: `a steakhouse; ${word} regulars, ${word}steak`,
  });
  ids.empty = await fx.restaurant({
    name: `Delta ${word}`,
    cuisine: 'Thai',
    city,
    lat: origin.lat - 1,
    lng: origin.lng,
    description: `${word}thai`,
  });
  await fx.reviews(ids.near, [5, 4, 5]);
  await fx.reviews(ids.middle, [3, 4]);
  await fx.reviews(ids.far, [2]);
  await fx.settle();
});

afterAll(async () => {
  await app?.close();
  await fx?.cleanUp();
});

describe('GET /restaurants', () => {
  it('filters by city and sorts by rating (default), with the total', async () => {
    const answer = await get(`/restaurants?${q({ city })}`);
    expect(answer.status).toBe(200);
    const page = RestaurantPage.parse(answer.body);
    expect(page.items.map((r) => r.id)).toEqual([ids.near, ids.middle, ids.far, ids.empty]);
    expect(page).toMatchObject({ page: 1, pageSize: 20, total: 4, totalPages: 1 });
    expect(page.items[0]).toMatchObject({ ratingAvg: 4.67, ratingCount: 3 });
    expect(answer.body.items[0]).not.toHaveProperty('search');
    expect(answer.body.items[0]).not.toHaveProperty('earth');
  });

  it.each([
    ['cuisine', { cuisine: 'Italian' }, ['near', 'far']],
    ['price level', { priceLevel: 3 }, ['middle']],
    ['minimum rating', { minRating: 3.5 }, ['near', 'middle']],
    ['sort by name', { sort: 'name' }, ['near', 'middle', 'far', 'empty']],
    ['sort by newest', { sort: 'newest' }, ['empty', 'far', 'middle', 'near']],
  ])('filters and sorts: %s', async (_what, params, expected) => {
    const answer = await get(`/restaurants?${q({ city, ...params })}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((r: { id: string }) => r.id)).toEqual(expected.map((name) => ids[name]));
    expect(answer.body.total).toBe(expected.length);
  });

  it('pages without overlap, and the total is the same on every page', async () => {
    const first = await get(`/restaurants?${q({ city, pageSize: 3 })}`);
    const second = await get(`/restaurants?${q({ city, pageSize: 3, page: 2 })}`);
    const beyond = await get(`/restaurants?${q({ city, pageSize: 3, page: 3 })}`);
    expect(first.body.items).toHaveLength(3);
    expect(second.body.items.map((r: { id: string }) => r.id)).toEqual([ids.empty]);
    expect(beyond.body.items).toEqual([]);
    for (const answer of [first, second, beyond])
      expect(answer.body).toMatchObject({ total: 4, totalPages: 2 });
  });

  it('caches the total on its own: other pages and sorts of the same filter do not count again', async () => {
    const filter = { city, priceLevel: 2 };
    await get(`/restaurants?${q({ ...filter, sort: 'name' })}`);
    app.queries.length = 0;
    await get(`/restaurants?${q({ ...filter, sort: 'newest' })}`);
    await get(`/restaurants?${q({ ...filter, sort: 'newest', page: 2 })}`);
    const counts = app.queries.filter((entry) => /count\(/i.test(entry.query));
    expect(counts).toEqual([]);
    expect(app.queries.length).toBe(2); // one page query each, cards primed from its rows
  });

  it.each([
    ['rating', ['near', 'middle', 'far', 'empty']],
    ['name', ['near', 'middle', 'far', 'empty']],
    ['newest', ['empty', 'far', 'middle', 'near']],
  ])('walks the whole list by cursor (sort %s), the last page saying so', async (sort, expected) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let step = 0; step < 10; step++) {
      const params: Record<string, string | number> = { city, sort, pageSize: 1 };
      if (cursor) params.cursor = cursor;
      const answer = await get(`/restaurants?${q(params)}`);
      expect(answer.status).toBe(200);
      const page = RestaurantPage.parse(answer.body);
      expect(page.total).toBe(4);
      if (cursor) expect(page).not.toHaveProperty('page');
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(expected.map((name) => ids[name]));
    expect(cursor).toBeNull();
  });

  it('a cursor page neither repeats nor skips rows when a row is added before it', async () => {
    // Rows without the run's word, so that the search tests below do not find them.
    const otherCity = `Cursor ${randomUUID()}`;
    const first = await fx.restaurant({ name: 'Mike', city: otherCity });
    const second = await fx.restaurant({ name: 'November', city: otherCity });
    const third = await fx.restaurant({ name: 'Oscar', city: otherCity });
    await fx.settle(); // the list reads a replica
    const page1 = await get(`/restaurants?${q({ city: otherCity, sort: 'name', pageSize: 2 })}`);
    expect(page1.body.items.map((r: { id: string }) => r.id)).toEqual([first, second]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    // A row that sorts first: page 2 by number would now repeat "second"; the cursor goes on after it.
    await fx.restaurant({ name: 'Alpha', city: otherCity });
    await fx.settle();
    const page2 = await get(
      `/restaurants?${q({ city: otherCity, sort: 'name', pageSize: 2, cursor: page1.body.nextCursor })}`,
    );
    expect(page2.body.items.map((r: { id: string }) => r.id)).toEqual([third]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('answers a repeated list from the cache, without a query', async () => {
    await get(`/restaurants?${q({ city, sort: 'name' })}`);
    app.queries.length = 0;
    expect((await get(`/restaurants?${q({ city, sort: 'name' })}`)).status).toBe(200);
    expect(app.queries).toEqual([]);
  });
});

describe('GET /restaurants/search', () => {
  it('finds by name, description, cuisine and city, best rank first', async () => {
    const answer = await get(`/restaurants/search?${q({ q: word })}`);
    expect(answer.status).toBe(200);
    const page = SearchPage.parse(answer.body);
    // The word is in the names of near, middle and empty (weight A), in far's description (weight C).
    expect(new Set(page.items.map((hit) => hit.id))).toEqual(
      new Set([ids.near, ids.middle, ids.far, ids.empty]),
    );
    expect(page.items.at(-1)!.id).toBe(ids.far);
    const ranks = page.items.map((hit) => hit.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(page.hasMore).toBe(false);
  });

  it('understands web search syntax: phrases, or, exclusion', async () => {
    const pizzaButNotTrattoria = await get(`/restaurants/search?${q({ q: `${word} pizza -trattoria` })}`);
    expect(pizzaButNotTrattoria.body.items.map((hit: { id: string }) => hit.id)).toEqual([ids.middle]);
    const steakOrThai = await get(`/restaurants/search?${q({ q: `${word}steak or ${word}thai` })}`);
    expect(new Set(steakOrThai.body.items.map((hit: { id: string }) => hit.id))).toEqual(
      new Set([ids.far, ids.empty]),
    );
    const phrase = await get(`/restaurants/search?${q({ q: `"${word} bistro"` })}`);
    expect(phrase.body.items.map((hit: { id: string }) => hit.id)).toEqual([ids.middle]);
  });

  it('pages with hasMore', async () => {
    const first = await get(`/restaurants/search?${q({ q: word, pageSize: 3 })}`);
    const second = await get(`/restaurants/search?${q({ q: word, pageSize: 3, page: 2 })}`);
    expect(first.body).toMatchObject({ hasMore: true, page: 1 });
    expect(first.body.items).toHaveLength(3);
    expect(second.body).toMatchObject({ hasMore: false, page: 2 });
    expect(second.body.items).toHaveLength(1);
  });

  it('tolerates a typo: trigram hits on name, cuisine and city when the full text finds nothing', async () => {
    // Hex tags never hold an x: the typo matches no word exactly.
    const typo = `${word.slice(0, 5)}x${word.slice(6)}`;
    const answer = await get(`/restaurants/search?${q({ q: typo })}`);
    expect(answer.status).toBe(200);
    const page = SearchPage.parse(answer.body);
    expect(new Set(page.items.map((hit) => hit.id))).toEqual(
      new Set([ids.near, ids.middle, ids.far, ids.empty]),
    );
    expect(page.items.every((hit) => hit.match === 'fuzzy' && hit.rank >= 0.6)).toBe(true);
    const typoAndSyntax = await get(`/restaurants/search?${q({ q: `${typo} -pizza` })}`);
    expect(typoAndSyntax.body.items).toEqual([]);
  });

  it('lists the few full-text hits first, then the trigram hits', async () => {
    // Only "far" holds the word `<tag>steak` (text); the others are near it by their <tag> word.
    const answer = await get(`/restaurants/search?${q({ q: `${word}steak` })}`);
    const page = SearchPage.parse(answer.body);
    expect(page.items[0]).toMatchObject({ id: ids.far, match: 'text' });
    expect(page.items.length).toBeGreaterThan(1);
    expect(page.items.slice(1).every((hit) => hit.match === 'fuzzy')).toBe(true);
  });

  it('finds nothing, without an error, for a query without words', async () => {
    const answer = await get(`/restaurants/search?${q({ q: '!!! ---' })}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([]);
  });
});

describe('GET /restaurants/nearby', () => {
  it('returns what lies within the radius, nearest first, with distances', async () => {
    const answer = await get(`/restaurants/nearby?${q({ lat: origin.lat, lng: origin.lng, radiusKm: 5 })}`);
    expect(answer.status).toBe(200);
    const result = NearbyResult.parse(answer.body);
    expect(result.items.map((r) => r.id)).toEqual([ids.near, ids.middle]);
    expect(result.items[0]!.distanceKm).toBeCloseTo(0.111, 1);
    expect(result.items[1]!.distanceKm).toBeCloseTo(2.224, 1);
    expect(result.radiusKm).toBe(5);
  });

  it('honours the limit and a wider radius', async () => {
    const wide = await get(`/restaurants/nearby?${q({ lat: origin.lat, lng: origin.lng, radiusKm: 30 })}`);
    expect(wide.body.items.map((r: { id: string }) => r.id)).toEqual([ids.near, ids.middle, ids.far]);
    const one = await get(
      `/restaurants/nearby?${q({ lat: origin.lat, lng: origin.lng, radiusKm: 30, limit: 1 })}`,
    );
    expect(one.body.items.map((r: { id: string }) => r.id)).toEqual([ids.near]);
  });
});

describe('GET /restaurants/:id', () => {
  it('has the rating summary and the latest reviews, newest first', async () => {
    const answer = await get(`/restaurants/${ids.near}`);
    expect(answer.status).toBe(200);
    const detail = RestaurantDetail.parse(answer.body);
    expect(detail.ratingSummary).toEqual({
      average: 4.67,
      count: 3,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 2 },
    });
    expect(detail.latestReviews.map((review) => review.rating)).toEqual([5, 4, 5]);
    const dates = detail.latestReviews.map((review) => review.createdAt);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('costs at most three queries however many reviews there are (no N+1), and none when cached', async () => {
    const many = await fx.restaurant({ city });
    await fx.reviews(many, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 5, 5]);
    await fx.settle();
    const counts: number[] = [];
    for (const id of [ids.empty, many]) {
      app.queries.length = 0;
      const answer = await get(`/restaurants/${id}`);
      expect(answer.status).toBe(200);
      counts.push(app.queries.length);
    }
    // Without reviews only the restaurant row is read; with 12, the row, the latest 5 and the distribution.
    expect(counts).toEqual([1, 3]);
    app.queries.length = 0;
    expect((await get(`/restaurants/${many}`)).body.latestReviews).toHaveLength(5);
    expect(app.queries).toEqual([]);
  });

  it('answers 304 to a matching If-None-Match, with the same ETag', async () => {
    const first = await get(`/restaurants/${ids.middle}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=0');
    const again = await get(`/restaurants/${ids.middle}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('caches an unknown id too: a second ask costs no query', async () => {
    const unknown = randomUUID();
    expect((await get(`/restaurants/${unknown}`)).status).toBe(404);
    app.queries.length = 0;
    expect((await get(`/restaurants/${unknown}`)).status).toBe(404);
    expect(app.queries).toEqual([]);
  });
});

describe('GET /restaurants/:id/reviews', () => {
  it('pages the reviews, newest first, with the total', async () => {
    const first = await get(`/restaurants/${ids.near}/reviews?${q({ pageSize: 2 })}`);
    expect(first.status).toBe(200);
    const page = ReviewPage.parse(first.body);
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    const second = await get(`/restaurants/${ids.near}/reviews?${q({ pageSize: 2, page: 2 })}`);
    expect([...page.items, ...second.body.items].map((review) => review.rating)).toEqual([5, 4, 5]);
  });

  it('is an empty page for a restaurant without reviews', async () => {
    const answer = await get(`/restaurants/${ids.empty}/reviews`);
    expect(answer.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0 });
  });
});

describe('bad input', () => {
  const nearby = (params: Record<string, string | number>) => `/restaurants/nearby?${q(params)}`;
  it.each([
    ['lat out of range', nearby({ lat: 91, lng: 0 }), 400],
    ['lng out of range', nearby({ lat: 0, lng: 181 }), 400],
    ['lat missing', nearby({ lng: 0 }), 400],
    ['lat empty', nearby({ lat: '', lng: 0 }), 400],
    ['lat not a number', nearby({ lat: 'x', lng: 0 }), 400],
    ['radius over the cap', nearby({ lat: 0, lng: 0, radiusKm: 101 }), 400],
    ['negative radius', nearby({ lat: 0, lng: 0, radiusKm: -1 }), 400],
    ['limit over the cap', nearby({ lat: 0, lng: 0, limit: 101 }), 400],
    ['unknown nearby parameter', nearby({ lat: 0, lng: 0, sort: 'name' }), 400],
    ['page size over the cap', '/restaurants?pageSize=101', 400],
    ['page 0', '/restaurants?page=0', 400],
    ['page not a number', '/restaurants?page=two', 400],
    ['unknown sort', '/restaurants?sort=price', 400],
    ['minRating over 5', '/restaurants?minRating=6', 400],
    ['price level 5', '/restaurants?priceLevel=5', 400],
    ['repeated filter', '/restaurants?city=a&city=b', 400],
    ['unknown list parameter', '/restaurants?owner=me', 400],
    ['cursor not base64url', '/restaurants?cursor=***', 400],
    ['cursor of no JSON', `/restaurants?cursor=${Buffer.from('{x').toString('base64url')}`, 400],
    [
      'tampered cursor',
      `/restaurants?cursor=${Buffer.from(JSON.stringify({ s: 'rating', v: "4' or 1=1", id: randomUUID() })).toString('base64url')}`,
      400,
    ],
    [
      'cursor of another sort',
      `/restaurants?sort=newest&cursor=${Buffer.from(JSON.stringify({ s: 'rating', v: 4, id: randomUUID() })).toString('base64url')}`,
      400,
    ],
    [
      'cursor with a page',
      `/restaurants?page=2&cursor=${Buffer.from(JSON.stringify({ s: 'rating', v: 4, id: randomUUID() })).toString('base64url')}`,
      400,
    ],
    ['empty q', '/restaurants/search?q=', 400],
    ['blank q', '/restaurants/search?q=%20%20', 400],
    ['no q', '/restaurants/search', 400],
    ['q over 200 characters', `/restaurants/search?q=${'a'.repeat(201)}`, 400],
    ['search page size over the cap', '/restaurants/search?q=pizza&pageSize=500', 400],
    ['malformed uuid', '/restaurants/not-a-uuid', 400],
    ['almost a uuid', '/restaurants/6a1f0c1e-6f1d-4c7e-9d8e-2f0a3b4c5d6', 400],
    ['query on detail', `/restaurants/${randomUUID()}?x=1`, 400],
    ['malformed uuid (reviews)', '/restaurants/123/reviews', 400],
    ['reviews page size over the cap', `/restaurants/${randomUUID()}/reviews?pageSize=101`, 400],
    ['unknown id', `/restaurants/${randomUUID()}`, 404],
    ['unknown id (reviews)', `/restaurants/${randomUUID()}/reviews`, 404],
    ['unknown route', '/restaurants/search/more', 404],
  ])('%s → %i problem+json', async (_what, path, status) => {
    const answer = await get(path);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, code: status === 400 ? 'VALIDATION_FAILED' : 'NOT_FOUND' });
    expect(answer.body.requestId).toBeTruthy();
  });

  it('never answers 500 or leaks internals', () => {
    expect(answers.length).toBeGreaterThan(40);
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(LEAK_PATTERN);
    }
  });
});
