import type { z } from 'zod';
import { IdParams, Problem } from './common-schemas.js';
import {
  NearbyQuery,
  NearbyResult,
  Photo,
  PhotoMediaTypes,
  Restaurant,
  RestaurantCreateBody,
  RestaurantDetail,
  RestaurantListQuery,
  RestaurantPage,
  RestaurantPatchBody,
  Review,
  ReviewBody,
  ReviewListQuery,
  ReviewPage,
  ReviewPatchBody,
  SearchPage,
  SearchQuery,
} from './restaurant-schemas.js';
import { EmailParams, LoginBody, PublicUser, RefreshBody, RegisterBody, TokenResponse, UpdateMeBody } from './user-schemas.js';

export type Access = 'anyone' | 'user' | 'admin';

/** One route of the public API (paths as the client sees them, under /api/v1). */
export interface ApiRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body is raw bytes of one of these media types (not JSON); `body` is then not used. */
  rawBodyTypes?: readonly string[];
  /** Success status and its body (undefined: no body). */
  success: { status: number; body?: z.ZodType };
  /** Error statuses this route answers besides the common ones (400, 401, 429, 5xx). */
  errors?: number[];
}


/** ARCHITECTURE.md's API table. Services mount these paths without the /api/v1 prefix. */
export const apiRoutes: ApiRoute[] = [
  { method: 'post', path: '/auth/register', summary: 'Create an account; a welcome email is queued', tag: 'auth', access: 'anyone', body: RegisterBody, success: { status: 201, body: TokenResponse }, errors: [409] },
  { method: 'post', path: '/auth/login', summary: 'Log in (brute force limited per email + IP)', tag: 'auth', access: 'anyone', body: LoginBody, success: { status: 200, body: TokenResponse } },
  { method: 'post', path: '/auth/refresh', summary: 'Rotate a refresh token; reusing a rotated one revokes its family', tag: 'auth', access: 'anyone', body: RefreshBody, success: { status: 200, body: TokenResponse } },
  { method: 'post', path: '/auth/logout', summary: 'Revoke a refresh token family', tag: 'auth', access: 'anyone', body: RefreshBody, success: { status: 204 } },
  { method: 'get', path: '/users/me', summary: 'Own profile', tag: 'users', access: 'user', success: { status: 200, body: PublicUser } },
  { method: 'patch', path: '/users/me', summary: 'Change own name (not role or email)', tag: 'users', access: 'user', body: UpdateMeBody, success: { status: 200, body: PublicUser } },
  { method: 'get', path: '/users/by-email/{email}', summary: 'Look a user up by email', tag: 'users', access: 'admin', params: EmailParams, success: { status: 200, body: PublicUser }, errors: [403, 404] },
  { method: 'get', path: '/restaurants', summary: 'List with filters, sort and pagination (total count cached)', tag: 'restaurants', access: 'anyone', query: RestaurantListQuery, success: { status: 200, body: RestaurantPage }, errors: [304] },
  { method: 'get', path: '/restaurants/search', summary: 'Full-text search over name, cuisine, city and description, ranked', tag: 'restaurants', access: 'anyone', query: SearchQuery, success: { status: 200, body: SearchPage }, errors: [304] },
  { method: 'get', path: '/restaurants/nearby', summary: 'Within radiusKm of a point, nearest first, with distance', tag: 'restaurants', access: 'anyone', query: NearbyQuery, success: { status: 200, body: NearbyResult }, errors: [304] },
  { method: 'get', path: '/restaurants/{id}', summary: 'Detail with rating summary and latest reviews (ETag; 304 on If-None-Match)', tag: 'restaurants', access: 'anyone', params: IdParams, success: { status: 200, body: RestaurantDetail }, errors: [304, 404] },
  { method: 'post', path: '/restaurants', summary: 'Add a restaurant', tag: 'restaurants', access: 'admin', body: RestaurantCreateBody, success: { status: 201, body: Restaurant }, errors: [403] },
  { method: 'patch', path: '/restaurants/{id}', summary: 'Change a restaurant', tag: 'restaurants', access: 'admin', params: IdParams, body: RestaurantPatchBody, success: { status: 200, body: Restaurant }, errors: [403, 404] },
  { method: 'delete', path: '/restaurants/{id}', summary: 'Remove a restaurant with its reviews', tag: 'restaurants', access: 'admin', params: IdParams, success: { status: 204 }, errors: [403, 404] },
  { method: 'post', path: '/restaurants/{id}/photos', summary: 'Upload a photo: the body is the image (JPEG, PNG or WebP, at most 8 MiB); the worker makes its thumbnails', tag: 'restaurants', access: 'admin', params: IdParams, rawBodyTypes: PhotoMediaTypes, success: { status: 201, body: Photo }, errors: [403, 404, 413, 415] },
  { method: 'get', path: '/restaurants/{id}/reviews', summary: 'Reviews of a restaurant, newest first', tag: 'reviews', access: 'anyone', params: IdParams, query: ReviewListQuery, success: { status: 200, body: ReviewPage }, errors: [304, 404] },
  { method: 'post', path: '/restaurants/{id}/reviews', summary: 'Review a restaurant (one per user; 409 REVIEW_EXISTS)', tag: 'reviews', access: 'user', params: IdParams, body: ReviewBody, success: { status: 201, body: Review }, errors: [404, 409] },
  { method: 'patch', path: '/reviews/{id}', summary: 'Edit own review (or any, as admin)', tag: 'reviews', access: 'user', params: IdParams, body: ReviewPatchBody, success: { status: 200, body: Review }, errors: [403, 404] },
  { method: 'delete', path: '/reviews/{id}', summary: 'Remove own review (or any, as admin)', tag: 'reviews', access: 'user', params: IdParams, success: { status: 204 }, errors: [403, 404] },
];

export { Problem };
