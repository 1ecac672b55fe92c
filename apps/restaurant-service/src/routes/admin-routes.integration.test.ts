import { randomUUID } from 'node:crypto';
import { Restaurant } from '@tablestack/api-contract';
import type { Role } from '@tablestack/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  Fixtures,
  type Instance,
  LEAK_PATTERN,
  startInstance,
} from '../../test/restaurant-service-harness.js';

// Admin writes of restaurants, and the cache entries each one must invalidate before it answers.
let fx: Fixtures;
let app: Instance;
let admin: { userId: string; role: Role };
let user: { userId: string; role: Role };
const answers: Answer[] = [];
const origin = { lat: -50 + Math.random(), lng: 150 + Math.random() };

async function send(method: string, path: string, options: Parameters<Instance['request']>[2] = {}) {
  const answer = await app.request(method, path, options);
  answers.push(answer);
  return answer;
}

/** Ids in an answer's items. */
const idsOf = (answer: Answer): string[] => answer.body.items.map((item: { id: string }) => item.id);
/** Full-text hits only: typo-tolerant (fuzzy) hits of this run's other, similarly named rows follow them. */
const textIdsOf = (answer: Answer): string[] =>
  answer.body.items
    .filter((item: { match: string }) => item.match === 'text')
    .map((item: { id: string }) => item.id);

beforeAll(async () => {
  fx = await Fixtures.open();
  app = await startInstance(randomUUID().slice(0, 8));
  admin = await fx.user('ADMIN');
  user = await fx.user('USER');
});

afterAll(async () => {
  await app?.close();
  await fx?.cleanUp();
});

function body(overrides: Record<string, unknown> = {}) {
  return {
    name: `Admin ${fx.tag} Kitchen`,
    cuisine: 'Fusion',
    city: `City ${fx.tag} admin`,
    address: '2 Admin Road',
    description: 'made by the admin test',
    lat: origin.lat,
    lng: origin.lng,
    priceLevel: 3,
    ...overrides,
  };
}

describe('restaurant lifecycle', () => {
  const city = () => `City ${fx.tag} admin`;
  const otherCity = () => `City ${fx.tag} moved`;
  const list = (name: string) => `/restaurants?city=${encodeURIComponent(name)}`;
  const search = (word: string) => `/restaurants/search?q=${word}`;
  const nearby = (point: { lat: number; lng: number }) =>
    `/restaurants/nearby?lat=${point.lat}&lng=${point.lng}&radiusKm=1`;
  const moved = { lat: origin.lat + 0.5, lng: origin.lng };
  let id: string;

  it('creates one; lists, totals, search and nearby cached before show it at once', async () => {
    // Cache the "before" answers.
    expect((await send('GET', list(city()))).body.total).toBe(0);
    expect(textIdsOf(await send('GET', search(`${fx.tag}kitchen`)))).toEqual([]);
    expect(idsOf(await send('GET', nearby(origin)))).toEqual([]);

    const created = await send('POST', '/restaurants', {
      as: admin,
      json: body({ name: `Admin ${fx.tag}kitchen` }),
    });
    expect(created.status).toBe(201);
    const restaurant = Restaurant.parse(created.body);
    id = restaurant.id;
    fx.adopt(id);
    expect(restaurant).toMatchObject({ city: city(), priceLevel: 3, ratingAvg: 0, ratingCount: 0 });
    await fx.settle();

    expect(idsOf(await send('GET', list(city())))).toEqual([id]);
    expect((await send('GET', list(city()))).body.total).toBe(1);
    expect(textIdsOf(await send('GET', search(`${fx.tag}kitchen`)))).toEqual([id]);
    expect(idsOf(await send('GET', nearby(origin)))).toEqual([id]);
    expect((await send('GET', `/restaurants/${id}`)).body.name).toBe(`Admin ${fx.tag}kitchen`);
  });

  it('changes one: its detail, old and new city, old and new name, old and new place', async () => {
    const changed = await send('PATCH', `/restaurants/${id}`, {
      as: admin,
      json: { name: `Renamed ${fx.tag}bistro`, city: otherCity(), lat: moved.lat, lng: moved.lng },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, city: otherCity(), cuisine: 'Fusion', lat: moved.lat });
    await fx.settle();

    expect((await send('GET', `/restaurants/${id}`)).body.name).toBe(`Renamed ${fx.tag}bistro`);
    expect((await send('GET', list(city()))).body).toMatchObject({ items: [], total: 0 });
    expect(idsOf(await send('GET', list(otherCity())))).toEqual([id]);
    expect(textIdsOf(await send('GET', search(`${fx.tag}kitchen`)))).toEqual([]);
    expect(textIdsOf(await send('GET', search(`${fx.tag}bistro`)))).toEqual([id]);
    expect(idsOf(await send('GET', nearby(origin)))).toEqual([]);
    expect(idsOf(await send('GET', nearby(moved)))).toEqual([id]);
  });

  it('deletes one with its reviews; nothing cached still shows it', async () => {
    await fx.reviews(id, [4, 5]);
    await fx.settle();
    expect((await send('GET', `/restaurants/${id}/reviews`)).body.total).toBe(2);
    expect((await send('DELETE', `/restaurants/${id}`, { as: admin })).status).toBe(204);
    await fx.settle();

    expect((await send('GET', `/restaurants/${id}`)).status).toBe(404);
    expect((await send('GET', `/restaurants/${id}/reviews`)).status).toBe(404);
    expect((await send('GET', list(otherCity()))).body).toMatchObject({ items: [], total: 0 });
    expect(textIdsOf(await send('GET', search(`${fx.tag}bistro`)))).toEqual([]);
    expect(idsOf(await send('GET', nearby(moved)))).toEqual([]);
    const { rows } = await fx.query('select count(*)::int as n from reviews where restaurant_id = $1', [id]);
    expect(rows[0]!.n).toBe(0);
    expect((await send('DELETE', `/restaurants/${id}`, { as: admin })).status).toBe(404);
  });
});

describe('who may manage restaurants', () => {
  let existing: string;
  beforeAll(async () => {
    existing = await fx.restaurant();
  });

  it.each([
    ['anonymous', undefined, 401, 'UNAUTHORIZED'],
    ['a user', 'USER', 403, 'FORBIDDEN'],
  ])('%s gets %i on every admin write', async (_who, role, status, code) => {
    const as = role === 'USER' ? { as: user } : {};
    const attempts = await Promise.all([
      send('POST', '/restaurants', { ...as, json: body() }),
      send('PATCH', `/restaurants/${existing}`, { ...as, json: { name: 'Taken over' } }),
      send('DELETE', `/restaurants/${existing}`, as),
    ]);
    for (const answer of attempts) {
      expect(answer.status).toBe(status);
      expect(answer.body.code).toBe(code);
    }
    const { rows } = await fx.query('select name from restaurants where id = $1', [existing]);
    expect(rows[0]!.name).not.toBe('Taken over');
  });
});

describe('bad admin input', () => {
  it.each([
    ['no name', () => body({ name: undefined })],
    ['blank name', () => body({ name: '   ' })],
    ['lat 91', () => body({ lat: 91 })],
    ['lng as a string', () => body({ lng: '10' })],
    ['price level 5', () => body({ priceLevel: 5 })],
    ['a rating (mass assignment)', () => body({ ratingAvg: 5 })],
    ['an id of its own', () => body({ id: randomUUID() })],
  ])('POST with %s → 400', async (_what, make) => {
    const answer = await send('POST', '/restaurants', { as: admin, json: make() });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['an empty body', `/restaurants/${randomUUID()}`, {}, 400],
    ['a rating count', `/restaurants/${randomUUID()}`, { ratingCount: 9 }, 400],
    ['a malformed id', '/restaurants/nope', { name: 'x' }, 400],
    ['an unknown id', `/restaurants/${randomUUID()}`, { name: 'x' }, 404],
  ])('PATCH with %s → %i', async (_what, path, json, status) => {
    expect((await send('PATCH', path, { as: admin, json })).status).toBe(status);
  });

  it('never answers 500 or leaks internals', () => {
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(LEAK_PATTERN);
    }
  });
});
