import { z } from 'zod';
import { Page, Uuid } from './common-schemas.js';

export const Restaurant = z
  .object({
    id: Uuid,
    name: z.string(),
    cuisine: z.string(),
    city: z.string(),
    address: z.string(),
    description: z.string(),
    lat: z.number(),
    lng: z.number(),
    priceLevel: z.number().int().min(1).max(4),
    ratingAvg: z.number(),
    ratingCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Restaurant' });

export const RestaurantListQuery = Page.extend({
  cuisine: z.string().trim().min(1).max(50).optional(),
  city: z.string().trim().min(1).max(80).optional(),
  priceLevel: z.coerce.number().int().min(1).max(4).optional(),
}).strict();

export const SearchQuery = Page.extend({ q: z.string().trim().min(1).max(200) }).strict();

export const NearbyQuery = z
  .object({
    lat: z.coerce.number().min(-90).max(90),
    lng: z.coerce.number().min(-180).max(180),
    radiusKm: z.coerce.number().positive().max(100).default(5),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const ReviewBody = z.object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).default('') }).strict().meta({ id: 'ReviewBody' });

export const Review = z
  .object({ id: Uuid, restaurantId: Uuid, userId: Uuid, rating: z.number().int(), comment: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Review' });
