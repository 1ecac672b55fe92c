import { authEnvSchema, DEVELOPMENT_INTERNAL_SECRET } from '@tablestack/auth';
import { cacheEnvSchema } from '@tablestack/cache';
import { dbEnvSchema } from '@tablestack/db';
import { redisEnvSchema } from '@tablestack/redis-client';
import { baseEnvSchema } from '@tablestack/service-kit';
import { z } from 'zod';

/** Variables only the restaurant-service reads. */
export const restaurantEnvSchema = z.object({
  /** Restaurants (most reviewed first) whose detail is loaded into the cache at start; 0 = no warming. @default 50 */
  CACHE_WARM_RESTAURANTS: z.coerce.number().int().min(0).max(10_000).default(50),
  /** Warming loads at most this many details at a time, so it never takes the whole pool. @default 4 */
  CACHE_WARM_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * `max-age` of cacheable GET answers (with their ETag). 0 makes browsers and CDNs revalidate every
   * time (a 304 when nothing changed), so they never show a value older than a write; a higher value
   * lets them reuse an answer that long, write or no write. @default 0
   */
  HTTP_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
  /**
   * Directory of uploaded photos and their thumbnails, shared with the worker (same path on both).
   * `./stack` sets `.stack/<mode>/files`. @default 'storage/files' (relative to the working directory)
   */
  FILE_STORAGE_DIR: z.string().min(1).default('storage/files'),
  /** Base URL under which stored files are served (photo URLs in answers). @default '/files' */
  FILE_PUBLIC_BASE_URL: z.string().min(1).default('/files'),
  /** Largest photo upload in bytes; larger gets 413. Keep it under nginx's 10 MB body limit. @default 8388608 (8 MiB) */
  PHOTO_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(8 * 1024 * 1024),
});

/** The restaurant-service's env. Parsed once in index.ts; a bad value stops the process with one line. */
export const envSchema = baseEnvSchema
  .extend(dbEnvSchema.shape)
  .extend(redisEnvSchema.shape)
  .extend(cacheEnvSchema.shape)
  // Only the internal secret: the service never sees a token, so the JWT variables are not its business.
  .extend(authEnvSchema.pick({ INTERNAL_AUTH_SECRET: true }).shape)
  .extend(restaurantEnvSchema.shape);

export type Env = z.infer<typeof envSchema>;

/**
 * What is wrong with running this env in production, worded like loadEnvOrExit's problems: the
 * service trusts identity headers on INTERNAL_AUTH_SECRET, so the development secret must not be used.
 */
export function productionSecretProblems(env: Pick<Env, 'NODE_ENV' | 'INTERNAL_AUTH_SECRET'>): string[] {
  if (env.NODE_ENV !== 'production' || env.INTERNAL_AUTH_SECRET !== DEVELOPMENT_INTERNAL_SECRET) return [];
  return ['INTERNAL_AUTH_SECRET: the development default must not be used in production (value hidden)'];
}
