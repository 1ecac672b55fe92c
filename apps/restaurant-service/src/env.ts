import { cacheEnvSchema } from '@tablestack/cache';
import { dbEnvSchema } from '@tablestack/db';
import { redisEnvSchema } from '@tablestack/redis-client';
import { baseEnvSchema } from '@tablestack/service-kit';
import type { z } from 'zod';

/** The restaurant-service's env. Parsed once in index.ts; a bad value stops the process with one line. */
export const envSchema = baseEnvSchema.extend(dbEnvSchema.shape).extend(redisEnvSchema.shape).extend(cacheEnvSchema.shape);

export type Env = z.infer<typeof envSchema>;
