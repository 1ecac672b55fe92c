import { type Cache, sendCacheable } from '@tablestack/cache';
import type { Database } from '@tablestack/db';
import { ProblemError } from '@tablestack/service-kit';
import { type Router as ExpressRouter, Router } from 'express';
import { z } from 'zod';

const idParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

/** Fields a client sees; internal columns (search vector, earth point) never leave the service. */
const publicFields = {
  id: true,
  name: true,
  cuisine: true,
  city: true,
  address: true,
  description: true,
  lat: true,
  lng: true,
  priceLevel: true,
  ratingAvg: true,
  ratingCount: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** Tag of everything cached about one restaurant; its write paths invalidate it. */
export const restaurantTag = (id: string) => `restaurant:${id}`;

/** Browsers and shared caches may reuse a detail this long; our own cache is invalidated on writes. */
const DETAIL_MAX_AGE_SECONDS = 60;

/**
 * Restaurant reads: through the cache (restaurant-detail, tagged per restaurant), and on a miss
 * through `db.read()` (a replica, unless this user just wrote). A missing restaurant is cached too
 * (as null), so a flood of requests for one unknown id does not reach the database.
 */
export function restaurantRoutes(deps: { db: Pick<Database, 'read'>; cache: Cache }): ExpressRouter {
  const { db, cache } = deps;
  const router = Router();
  router.get('/restaurants/:id', async (req, res) => {
    const { id } = idParams.parse(req.params);
    const restaurant = await cache.getOrSet(
      'restaurant-detail',
      id,
      () => db.read().restaurant.findUnique({ where: { id }, select: publicFields }),
      { tags: [restaurantTag(id)] },
    );
    if (!restaurant) throw new ProblemError('NOT_FOUND', { detail: `No restaurant ${id}` });
    sendCacheable(req, res, restaurant, { maxAgeSeconds: DETAIL_MAX_AGE_SECONDS });
  });
  return router;
}
