import { authEnvSchema } from '@tablestack/auth';
import { redisEnvSchema } from '@tablestack/redis-client';
import { baseEnvSchema } from '@tablestack/service-kit';
import { z } from 'zod';

/** A comma-separated list of base URLs, one per replica of an upstream service. */
const urlList = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1));

const names = z
  .string()
  .default('')
  .transform(
    (value) =>
      new Set(
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
  );

const limit = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

export const envSchema = baseEnvSchema
  .extend(redisEnvSchema.shape)
  .extend(authEnvSchema.shape)
  .extend({
    /** Replicas of the user-service, e.g. `http://127.0.0.1:55200,http://127.0.0.1:55201`. */
    USER_SERVICE_URLS: urlList,
    /** Replicas of the restaurant-service. */
    RESTAURANT_SERVICE_URLS: urlList,
    /** Replicas of the worker, for its admin endpoints (/admin/queues); unset: not routed. */
    WORKER_URLS: urlList.optional(),
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
    /** Origins allowed to call the API from a browser (comma-separated); empty allows none. */
    CORS_ORIGINS: names,
    /** Gateway replicas; while Redis is down each one enforces limit / replicas. */
    GATEWAY_REPLICAS: z.coerce.number().int().min(1).max(1000).default(1),
    /** Switch rate limiting off (tests of other things, emergencies). */
    RATE_LIMIT_ENABLED: z.stringbool().default(true),
    /** Classes that only log what they would refuse (e.g. `search,public-read`). */
    RATE_LIMIT_SHADOW: names,
    /** Requests per minute of each class (ARCHITECTURE.md). */
    RATE_LIMIT_PUBLIC_READ: limit(100),
    RATE_LIMIT_AUTHENTICATED_READ: limit(500),
    RATE_LIMIT_PUBLIC_WRITE: limit(10),
    RATE_LIMIT_AUTHENTICATED_WRITE: limit(60),
    RATE_LIMIT_SEARCH: limit(30),
    RATE_LIMIT_ADMIN: limit(1000),
    /** Failed logins per email + IP within the window before a block. */
    LOGIN_MAX_FAILURES: limit(5),
    LOGIN_FAILURE_WINDOW_SECONDS: limit(900),
    LOGIN_BLOCK_SECONDS: limit(900),
    /** Circuit breakers per upstream replica. */
    BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
    BREAKER_RESET_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
    BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5),
    BREAKER_ROLLING_WINDOW_MS: z.coerce.number().int().min(1000).default(10_000),
  });

export type Env = z.infer<typeof envSchema>;
