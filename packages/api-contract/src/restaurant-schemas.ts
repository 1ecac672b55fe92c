import { z } from 'zod';
import { Page, Uuid } from './common-schemas.js';
import { ListCursor } from './list-cursor.js';

/**
 * A number in a query string. Unlike a bare `z.coerce.number()`, an empty value (`?lat=`) is refused
 * instead of silently becoming 0.
 */
const queryNumber = () =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .transform(Number)
    .pipe(
      z
        .number({ message: 'must be a number' })
        .refine(Number.isFinite, { message: 'must be a finite number' }),
    );

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

export const RestaurantSort = z
  .enum(['rating', 'name', 'newest'])
  .meta({ description: 'rating: best first; name: A to Z; newest: latest added first' });

/**
 * Two ways to page: `page` (offset; any page directly, but rows written meanwhile shift the pages and
 * deep pages cost more) or `cursor` (keyset: the next page after a previous answer's `nextCursor`,
 * stable under writes and as cheap deep down as on top). `page` has no default here so that giving
 * both can be refused; without either, it is page 1.
 */
export const RestaurantListQuery = Page.extend({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .meta({ description: 'Page number (offset pagination), 1 by default; not with cursor' }),
  cursor: ListCursor.optional(),
  cuisine: z.string().trim().min(1).max(50).optional(),
  city: z.string().trim().min(1).max(80).optional(),
  priceLevel: z.coerce.number().int().min(1).max(4).optional(),
  minRating: queryNumber().pipe(z.number().min(0).max(5)).optional(),
  sort: RestaurantSort.default('rating'),
})
  .strict()
  .superRefine((query, context) => {
    if (query.cursor === undefined) return;
    if (query.page !== undefined)
      context.addIssue({ code: 'custom', path: ['page'], message: 'give either page or cursor' });
    if (query.cursor.s !== query.sort)
      context.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: `the cursor belongs to sort=${query.cursor.s}, not sort=${query.sort}`,
      });
  });

export const RestaurantPage = z
  .object({
    items: z.array(Restaurant),
    page: z.number().int().optional().meta({ description: 'With page pagination only' }),
    pageSize: z.number().int(),
    total: z
      .number()
      .int()
      .meta({ description: 'Matching restaurants (cached up to 5 minutes between writes)' }),
    totalPages: z.number().int().optional().meta({ description: 'With page pagination only' }),
    nextCursor: z.string().nullable().meta({
      description: 'Pass as cursor (with the same filters and sort) for the next page; null on the last',
    }),
  })
  .meta({ id: 'RestaurantPage' });

export const SearchQuery = Page.extend({ q: z.string().trim().min(1).max(200) }).strict();

export const SearchHit = Restaurant.extend({
  rank: z.number().meta({
    description:
      'text: ts_rank of the match (name weighs most, then cuisine and city, then description); fuzzy: trigram word similarity (0-1)',
  }),
  match: z.enum(['text', 'fuzzy']).meta({
    description:
      'text: a full-text match; fuzzy: a word of the name, cuisine or city is like a word of the query (a typo), listed after the text matches when those are few',
  }),
}).meta({ id: 'SearchHit' });

export const SearchPage = z
  .object({
    items: z.array(SearchHit),
    page: z.number().int(),
    pageSize: z.number().int(),
    hasMore: z.boolean(),
  })
  .meta({ id: 'SearchPage' });

export const NearbyQuery = z
  .object({
    lat: queryNumber().pipe(z.number().min(-90).max(90)),
    lng: queryNumber().pipe(z.number().min(-180).max(180)),
    radiusKm: queryNumber().pipe(z.number().positive().max(100)).default(5),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const NearbyRestaurant = Restaurant.extend({
  distanceKm: z.number().meta({ description: 'Great-circle distance from the point, km (3 decimals)' }),
}).meta({ id: 'NearbyRestaurant' });

export const NearbyResult = z
  .object({
    items: z.array(NearbyRestaurant),
    lat: z.number(),
    lng: z.number(),
    radiusKm: z.number(),
  })
  .meta({ id: 'NearbyResult' });

export const ReviewBody = z
  .object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).default('') })
  .strict()
  .meta({ id: 'ReviewBody' });

/** PATCH /reviews/{id}: either field or both; nothing else (not the author, not the restaurant). */
export const ReviewPatchBody = z
  .object({
    rating: z.number().int().min(1).max(5).optional(),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine((body) => body.rating !== undefined || body.comment !== undefined, { message: 'nothing to change' })
  .meta({ id: 'ReviewPatchBody' });

export const Review = z
  .object({
    id: Uuid,
    restaurantId: Uuid,
    userId: Uuid,
    rating: z.number().int(),
    comment: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Review' });

export const ReviewListQuery = Page;

export const ReviewPage = z
  .object({
    items: z.array(Review),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'ReviewPage' });

export const RatingSummary = z
  .object({
    average: z.number().meta({ description: 'Mean rating, 2 decimals; 0 without reviews' }),
    count: z.number().int(),
    distribution: z
      .object({
        1: z.number().int(),
        2: z.number().int(),
        3: z.number().int(),
        4: z.number().int(),
        5: z.number().int(),
      })
      .meta({ description: 'Reviews per star rating' }),
  })
  .meta({ id: 'RatingSummary' });

export const RestaurantDetail = Restaurant.extend({
  ratingSummary: RatingSummary,
  latestReviews: z.array(Review).meta({ description: 'The 5 latest reviews, newest first' }),
}).meta({ id: 'RestaurantDetail' });

const restaurantFields = {
  name: z.string().trim().min(1).max(200),
  cuisine: z.string().trim().min(1).max(50),
  city: z.string().trim().min(1).max(80),
  address: z.string().trim().min(1).max(300),
  description: z.string().trim().max(5000),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  priceLevel: z.number().int().min(1).max(4),
};

/** POST /restaurants (admin). Ratings are not settable: they follow the reviews. */
export const RestaurantCreateBody = z
  .object({ ...restaurantFields, description: restaurantFields.description.default('') })
  .strict()
  .meta({ id: 'RestaurantCreateBody' });

/** PATCH /restaurants/{id} (admin): any of the create fields, at least one. */
export const RestaurantPatchBody = z
  .object(
    Object.fromEntries(
      Object.entries(restaurantFields).map(([name, schema]) => [name, schema.optional()]),
    ) as {
      [K in keyof typeof restaurantFields]: z.ZodOptional<(typeof restaurantFields)[K]>;
    },
  )
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'nothing to change',
  })
  .meta({ id: 'RestaurantPatchBody' });

/** Media types a photo upload may have (the request body is the image itself). */
export const PhotoMediaTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;

export const PhotoStatus = z
  .enum(['UPLOADED', 'PROCESSED', 'FAILED'])
  .meta({ description: 'UPLOADED: stored, thumbnails pending; PROCESSED: thumbnails made; FAILED: not an image the worker could decode' });

export const Photo = z
  .object({
    id: Uuid,
    restaurantId: Uuid,
    status: PhotoStatus,
    contentType: z.enum(PhotoMediaTypes),
    sizeBytes: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    url: z.string().meta({ description: 'The original; content-hashed, so it may be cached for ever' }),
    thumbnails: z
      .record(z.string(), z.string())
      .meta({ description: 'Thumbnail URLs (WebP) by width in pixels; empty until the worker made them' }),
    createdAt: z.string(),
    processedAt: z.string().nullable(),
  })
  .meta({ id: 'Photo' });
