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

/** Restaurant reads. Reads go through `db.read()`: a replica, unless this user just wrote. */
export function restaurantRoutes(db: Pick<Database, 'read'>): ExpressRouter {
  const router = Router();
  router.get('/restaurants/:id', async (req, res) => {
    const { id } = idParams.parse(req.params);
    const restaurant = await db.read().restaurant.findUnique({ where: { id }, select: publicFields });
    if (!restaurant) throw new ProblemError('NOT_FOUND', { detail: `No restaurant ${id}` });
    res.json(restaurant);
  });
  return router;
}
