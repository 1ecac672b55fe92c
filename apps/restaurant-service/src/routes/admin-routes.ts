import { IdParams, RestaurantCreateBody, RestaurantPatchBody } from '@tablestack/api-contract';
import { requireAdmin } from '@tablestack/auth';
import { type Router as ExpressRouter, Router } from 'express';
import type { RestaurantAdmin } from '../services/restaurant-admin.js';
import { NoQuery } from './restaurant-routes.js';

/** Restaurant management, for administrators only (401 anonymous, 403 for other users). */
export function adminRoutes(deps: { admin: RestaurantAdmin }): ExpressRouter {
  const { admin } = deps;
  const router = Router();

  router.post('/restaurants', async (req, res) => {
    requireAdmin(req);
    NoQuery.parse(req.query);
    res.status(201).json(await admin.create(RestaurantCreateBody.parse(req.body)));
  });

  router.patch('/restaurants/:id', async (req, res) => {
    requireAdmin(req);
    const { id } = IdParams.parse(req.params);
    NoQuery.parse(req.query);
    res.json(await admin.update(id, RestaurantPatchBody.parse(req.body)));
  });

  router.delete('/restaurants/:id', async (req, res) => {
    requireAdmin(req);
    const { id } = IdParams.parse(req.params);
    NoQuery.parse(req.query);
    await admin.delete(id);
    res.status(204).end();
  });

  return router;
}
