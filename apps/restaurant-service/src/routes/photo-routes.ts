import { IdParams } from '@tablestack/api-contract';
import { requireAdmin } from '@tablestack/auth';
import { type Router as ExpressRouter, Router } from 'express';
import { mediaTypeOf } from '../services/image-type.js';
import type { PhotoUploads } from '../services/photo-uploads.js';
import { NoQuery } from './restaurant-routes.js';

/**
 * Photo upload, for administrators: the request body is the image itself (not multipart), with
 * Content-Type image/jpeg, image/png or image/webp. 201 with the photo (status UPLOADED); the worker
 * adds its thumbnails shortly after.
 */
export function photoRoutes(deps: { uploads: PhotoUploads }): ExpressRouter {
  const router = Router();

  router.post('/restaurants/:id/photos', async (req, res) => {
    // Identity and input first; on any refusal the unread body is dropped with the connection.
    requireAdmin(req);
    const { id } = IdParams.parse(req.params);
    NoQuery.parse(req.query);
    const length = req.headers['content-length'];
    const photo = await deps.uploads.upload({
      restaurantId: id,
      contentType: mediaTypeOf(req.headers['content-type']),
      contentLength: length === undefined ? undefined : Number(length),
      body: req,
    });
    res.status(201).json(photo);
  });

  return router;
}
