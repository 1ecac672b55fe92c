import { redisEnvSchema } from '@tablestack/redis-client';
import { baseEnvSchema } from '@tablestack/service-kit';
import { z } from 'zod';

/** A comma-separated list of base URLs, one per replica of an upstream service. */
const urlList = z
  .string()
  .min(1)
  .transform((value) => value.split(',').map((url) => url.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1));

export const envSchema = baseEnvSchema.extend(redisEnvSchema.shape).extend({
  /** Replicas of the user-service, e.g. `http://127.0.0.1:55200,http://127.0.0.1:55201`. */
  USER_SERVICE_URLS: urlList,
  /** Replicas of the restaurant-service. */
  RESTAURANT_SERVICE_URLS: urlList,
  /** Time an upstream gets to answer before the gateway gives up with 504. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * Express `trust proxy`: which hop's X-Forwarded-For is believed. Only nginx's, which runs on
   * loopback locally; a client's own X-Forwarded-For is never trusted.
   */
  TRUST_PROXY: z.string().min(1).default('loopback'),
  /**
   * Milliseconds after a user's write during which their reads must see it (read-your-writes): the
   * gateway sends the write's WAL position with their requests for this long. Longer than the worst
   * replica lag we tolerate (DB_REPLICA_MAX_LAG_MS); past it replicas have caught up anyway.
   */
  READ_YOUR_WRITES_WINDOW_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
});

export type Env = z.infer<typeof envSchema>;
