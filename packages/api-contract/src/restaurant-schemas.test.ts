import { describe, expect, it } from 'vitest';
import { encodeListCursor } from './list-cursor.js';
import { buildOpenApiDocument } from './openapi.js';
import {
  NearbyQuery,
  RestaurantCreateBody,
  RestaurantListQuery,
  RestaurantPatchBody,
  ReviewPatchBody,
  SearchQuery,
} from './restaurant-schemas.js';
import { apiRoutes } from './routes.js';

describe('restaurant query schemas', () => {
  it.each([
    ['lat out of range', { lat: '91', lng: '0' }],
    ['lng out of range', { lat: '0', lng: '-180.5' }],
    ['empty lat (not 0)', { lat: '', lng: '0' }],
    ['lat not a number', { lat: 'north', lng: '0' }],
    ['radius over the cap', { lat: '0', lng: '0', radiusKm: '100.1' }],
    ['radius zero', { lat: '0', lng: '0', radiusKm: '0' }],
    ['limit over the cap', { lat: '0', lng: '0', limit: '101' }],
    ['unknown parameter', { lat: '0', lng: '0', unit: 'mi' }],
  ])('nearby refuses %s', (_what, query) => {
    expect(NearbyQuery.safeParse(query).success).toBe(false);
  });

  it('nearby has defaults', () => {
    expect(NearbyQuery.parse({ lat: '48.85', lng: '2.35' })).toEqual({
      lat: 48.85,
      lng: 2.35,
      radiusKm: 5,
      limit: 20,
    });
  });

  it.each([
    ['page size over the cap', { pageSize: '101' }],
    ['page 0', { page: '0' }],
    ['minRating over 5', { minRating: '5.5' }],
    ['empty minRating', { minRating: '' }],
    ['unknown sort', { sort: 'price' }],
    ['repeated city', { city: ['Paris', 'Rome'] }],
    ['unknown parameter', { owner: 'x' }],
  ])('list refuses %s', (_what, query) => {
    expect(RestaurantListQuery.safeParse(query).success).toBe(false);
  });

  it('list has defaults (no page: without a cursor that is page 1)', () => {
    expect(RestaurantListQuery.parse({})).toEqual({ pageSize: 20, sort: 'rating' });
  });

  const id = '6a1f0c1e-6f1d-4c7e-9d8e-2f0a3b4c5d6e';
  const base64url = (text: string) => Buffer.from(text).toString('base64url');

  it.each([
    { s: 'rating', v: 4.333333492279053, id },
    { s: 'name', v: "Chez L'Ami", id },
    { s: 'newest', v: '2026-11-22T07:50:15.123Z', id },
  ] as const)('a list cursor round-trips: %o', (position) => {
    const cursor = encodeListCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(RestaurantListQuery.parse({ cursor, sort: position.s })).toEqual({
      cursor: position,
      pageSize: 20,
      sort: position.s,
    });
  });

  it.each([
    ['not base64url', '***'],
    ['base64url of no JSON', base64url('{not json')],
    ['JSON of another shape', base64url(JSON.stringify({ page: 2 }))],
    ['an unknown sort', base64url(JSON.stringify({ s: 'price', v: 1, id }))],
    ['a rating out of range', base64url(JSON.stringify({ s: 'rating', v: 9, id }))],
    ['a value of the wrong type', base64url(JSON.stringify({ s: 'rating', v: '4', id }))],
    ['an id that is no uuid', base64url(JSON.stringify({ s: 'rating', v: 4, id: "1' or 1=1" }))],
    ['an extra field', base64url(JSON.stringify({ s: 'rating', v: 4, id, x: 1 }))],
    ['an empty cursor', ''],
    ['an overlong cursor', 'A'.repeat(601)],
  ])('list refuses a cursor that is %s', (_what, cursor) => {
    const result = RestaurantListQuery.safeParse({ cursor });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['cursor']);
  });

  it('list refuses a cursor of another sort, and a cursor with a page', () => {
    const cursor = encodeListCursor({ s: 'name', v: 'A', id });
    expect(RestaurantListQuery.safeParse({ cursor }).error!.issues[0]).toMatchObject({
      path: ['cursor'],
      message: 'the cursor belongs to sort=name, not sort=rating',
    });
    expect(RestaurantListQuery.safeParse({ cursor, sort: 'name', page: '2' }).error!.issues[0]!.path).toEqual(
      ['page'],
    );
  });

  it('search needs a non-blank q of at most 200 characters', () => {
    expect(SearchQuery.safeParse({ q: '   ' }).success).toBe(false);
    expect(SearchQuery.safeParse({}).success).toBe(false);
    expect(SearchQuery.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
    expect(SearchQuery.parse({ q: ' pizza ' }).q).toBe('pizza');
  });
});

describe('restaurant write bodies', () => {
  const valid = {
    name: 'Chez X',
    cuisine: 'French',
    city: 'Paris',
    address: '1 rue X',
    lat: 48.8,
    lng: 2.3,
    priceLevel: 2,
  };

  it('create refuses rating fields and unknown fields (no mass assignment)', () => {
    expect(RestaurantCreateBody.parse(valid).description).toBe('');
    expect(RestaurantCreateBody.safeParse({ ...valid, ratingAvg: 5 }).success).toBe(false);
    expect(
      RestaurantCreateBody.safeParse({ ...valid, id: '6a1f0c1e-6f1d-4c7e-9d8e-2f0a3b4c5d6e' }).success,
    ).toBe(false);
  });

  it('patches need at least one known field and apply no defaults', () => {
    expect(RestaurantPatchBody.safeParse({}).success).toBe(false);
    expect(RestaurantPatchBody.parse({ name: 'New' })).toEqual({ name: 'New' });
    expect(RestaurantPatchBody.safeParse({ ratingCount: 1 }).success).toBe(false);
    expect(ReviewPatchBody.safeParse({}).success).toBe(false);
    expect(ReviewPatchBody.safeParse({ userId: 'x', rating: 3 }).success).toBe(false);
    expect(ReviewPatchBody.parse({ comment: 'ok' })).toEqual({ comment: 'ok' });
  });
});

describe('restaurant routes in the OpenAPI document', () => {
  const document = buildOpenApiDocument(apiRoutes, { title: 'T', version: '1', serverUrl: '/' });

  it('documents the answer shapes as components', () => {
    for (const name of [
      'RestaurantPage',
      'SearchPage',
      'NearbyResult',
      'RestaurantDetail',
      'ReviewPage',
      'Restaurant',
      'Review',
    ])
      expect(document.components.schemas[name], name).toBeDefined();
    // biome-ignore lint/suspicious/noExplicitAny: the document is inspected field by field
    const detail = document.paths['/api/v1/restaurants/{id}']!.get as Record<string, any>;
    expect(detail.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RestaurantDetail',
    });
  });

  it('marks the admin routes', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the document is inspected field by field
    const create = document.paths['/api/v1/restaurants']!.post as Record<string, any>;
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(create.responses['403']).toBeDefined();
  });
});
