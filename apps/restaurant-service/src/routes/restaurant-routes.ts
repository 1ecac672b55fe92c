import {
  IdParams,
  NearbyQuery,
  RestaurantListQuery,
  ReviewListQuery,
  SearchQuery,
} from '@tablestack/api-contract';
import { sendCacheable } from '@tablestack/cache';
import { ProblemError } from '@tablestack/service-kit';
import { type Router as ExpressRouter, Router } from 'express';
import { z } from 'zod';
import type { RestaurantCatalog } from '../services/restaurant-catalog.js';

/** Routes without query parameters refuse any (strict, like every other input). */
export const NoQuery = z.object({}).strict();

/**
 * Public reads: list, search, nearby, detail and reviews. Input is parsed with the contract's
 * schemas (a ZodError is a 400 problem); answers carry an ETag and Cache-Control, and a matching
 * If-None-Match gets a 304.
 */
export function restaurantRoutes(deps: { catalog: RestaurantCatalog; maxAgeSeconds: number }): ExpressRouter {
  const { catalog } = deps;
  const cacheable = { maxAgeSeconds: deps.maxAgeSeconds };
  const router = Router();

  router.get('/restaurants', async (req, res) => {
    const { page, pageSize, cursor, sort, ...filter } = RestaurantListQuery.parse(req.query);
    sendCacheable(req, res, await catalog.list(filter, sort, { page, pageSize, cursor }), cacheable);
  });

  router.get('/restaurants/search', async (req, res) => {
    const { q, page, pageSize } = SearchQuery.parse(req.query);
    sendCacheable(req, res, await catalog.search(q, { page, pageSize }), cacheable);
  });

  router.get('/restaurants/nearby', async (req, res) => {
    sendCacheable(req, res, await catalog.nearby(NearbyQuery.parse(req.query)), cacheable);
  });

  router.get('/restaurants/:id', async (req, res) => {
    const { id } = IdParams.parse(req.params);
    NoQuery.parse(req.query);
    const detail = await catalog.detail(id);
    if (!detail) throw new ProblemError('NOT_FOUND', { detail: `No restaurant ${id}` });
    sendCacheable(req, res, detail, cacheable);
  });

  router.get('/restaurants/:id/reviews', async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const page = ReviewListQuery.parse(req.query);
    const reviews = await catalog.reviews(id, page);
    if (!reviews) throw new ProblemError('NOT_FOUND', { detail: `No restaurant ${id}` });
    sendCacheable(req, res, reviews, cacheable);
  });

  return router;
}
