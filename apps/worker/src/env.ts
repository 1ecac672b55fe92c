import { dbEnvSchema } from '@tablestack/db';
import { redisEnvSchema } from '@tablestack/redis-client';
import { baseEnvSchema } from '@tablestack/service-kit';
import type { z } from 'zod';

/** The worker's env. Parsed once in index.ts; a bad value stops the process with one line. */
export const envSchema = baseEnvSchema.extend(dbEnvSchema.shape).extend(redisEnvSchema.shape);

export type Env = z.infer<typeof envSchema>;
