import { randomUUID } from 'node:crypto';
import { AccessTokens, authEnvSchema } from '@tablestack/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

// The restaurant endpoints end to end: nginx → gateway → restaurant-service → Postgres/Redis.
// An admin token is minted with the stack's development secret; the reviewer registers through the API.
const api = (path: string) => `${stackEnv.publicUrl}/api/v1${path}`;
const adminToken = new AccessTokens(authEnvSchema.parse({})).issue({ userId: randomUUID(), role: 'ADMIN' });
const marker = `E2e${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let userToken = '';
let restaurantId = '';

async function send(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(api(path), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

beforeAll(async () => {
  const registered = await fetch(api('/auth/register'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `e2e-reviewer-${randomUUID()}@example.test`, password: 'Correct horse 42', name: 'Reviewer' }),
  });
  expect(registered.status).toBe(201);
  userToken = ((await registered.json()) as { accessToken: string }).accessToken;
});

afterAll(async () => {
  if (restaurantId) await send('DELETE', `/restaurants/${restaurantId}`, await adminToken);
});

describe('restaurants through the gateway', () => {
  it('admin creates; anyone reads, lists, searches and finds it nearby; a user reviews and sees it at once', async () => {
    const created = await send('POST', '/restaurants', await adminToken, {
      name: `${marker} Trattoria`,
      cuisine: 'italian',
      city: 'Lisbon',
      address: 'Rua E2E 1',
      description: 'Fresh pasta near the river',
      lat: 38.7071,
      lng: -9.1355,
      priceLevel: 2,
    });
    expect(created.status).toBe(201);
    restaurantId = created.body!.id;

    // The admin's own next reads see the write (read-your-writes through the gateway).
    const detail = await send('GET', `/restaurants/${restaurantId}`, await adminToken);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ name: `${marker} Trattoria`, ratingCount: 0 });

    // Others see it once the replicas have it (search and nearby read replicas).
    let found = false;
    for (let attempt = 0; attempt < 50 && !found; attempt += 1) {
      const search = await send('GET', `/restaurants/search?q=${marker}`, userToken);
      found = search.status === 200 && search.body!.items.some((hit: { id: string }) => hit.id === restaurantId);
      if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toBe(true);
    const nearby = await send('GET', '/restaurants/nearby?lat=38.7072&lng=-9.1356&radiusKm=1', userToken);
    expect(nearby.status).toBe(200);
    const near = nearby.body!.items.find((item: { id: string }) => item.id === restaurantId);
    expect(near?.distanceKm).toBeLessThan(0.1);
    const list = await send('GET', '/restaurants?city=Lisbon&cuisine=italian&sort=newest', userToken);
    expect(list.status).toBe(200);
    expect(list.body!.total).toBeGreaterThan(0);

    const review = await send('POST', `/restaurants/${restaurantId}/reviews`, userToken, { rating: 5, comment: 'Excellent' });
    expect(review.status).toBe(201);
    const afterReview = await send('GET', `/restaurants/${restaurantId}`, userToken);
    expect(afterReview.body).toMatchObject({ ratingCount: 1, ratingAvg: 5 });
    expect(afterReview.body!.latestReviews[0]).toMatchObject({ id: review.body!.id, rating: 5 });

    expect((await send('POST', `/restaurants/${restaurantId}/reviews`, userToken, { rating: 3 })).status).toBe(409);
    expect((await send('PATCH', `/reviews/${review.body!.id}`, await new AccessTokens(authEnvSchema.parse({})).issue({ userId: randomUUID(), role: 'USER' }), { rating: 1 })).status).toBe(403);
    expect((await send('DELETE', `/reviews/${review.body!.id}`, userToken)).status).toBe(204);
  });

  it.each([
    ['a malformed id', '/restaurants/not-a-uuid', 400],
    ['an unknown id', `/restaurants/${randomUUID()}`, 404],
    ['a latitude out of range', '/restaurants/nearby?lat=91&lng=0', 400],
    ['a radius over the cap', '/restaurants/nearby?lat=0&lng=0&radiusKm=5000', 400],
    ['a page size over the cap', '/restaurants?pageSize=1000', 400],
    ['an empty search', '/restaurants/search?q=', 400],
  ])('answers problem+json for %s', async (_name, path, status) => {
    const response = await fetch(api(path));
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses restaurant writes without an admin', async () => {
    expect((await send('POST', '/restaurants', userToken, { name: 'x' })).status).toBe(403);
    expect((await fetch(api('/restaurants'), { method: 'POST' })).status).toBe(401);
  });
});
