import { IdParams, ReviewBody, ReviewPatchBody } from '@tablestack/api-contract';
import { requireUser } from '@tablestack/auth';
import { type Router as ExpressRouter, Router } from 'express';
import type { ReviewService } from '../services/review-service.js';
import { NoQuery } from './restaurant-routes.js';

/**
 * Review writes, for signed-in users (identity from the gateway; 401 without). Identity is checked
 * before the input, so an anonymous caller learns nothing about what a valid request looks like.
 */
export function reviewRoutes(deps: { reviews: ReviewService }): ExpressRouter {
  const { reviews } = deps;
  const router = Router();

  router.post('/restaurants/:id/reviews', async (req, res) => {
    const author = requireUser(req);
    const { id } = IdParams.parse(req.params);
    NoQuery.parse(req.query);
    res.status(201).json(await reviews.create(author, id, ReviewBody.parse(req.body)));
  });

  router.patch('/reviews/:id', async (req, res) => {
    const caller = requireUser(req);
    const { id } = IdParams.parse(req.params);
    NoQuery.parse(req.query);
    res.json(await reviews.update(caller, id, ReviewPatchBody.parse(req.body)));
  });

  router.delete('/reviews/:id', async (req, res) => {
    const caller = requireUser(req);
    const { id } = IdParams.parse(req.params);
    NoQuery.parse(req.query);
    await reviews.delete(caller, id);
    res.status(204).end();
  });

  return router;
}
