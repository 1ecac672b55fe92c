import { z } from 'zod';

/** Cache variables of every process that caches. Merge into the service's env schema. */
export const cacheEnvSchema = z.object({
  /** Switch the cache off entirely (every read runs its loader); for debugging, never for speed. */
  CACHE_ENABLED: z.stringbool().default(true),
  /** Entries the in-process L1 holds at most. */
  CACHE_L1_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
  /** Bytes (of serialized values) the in-process L1 holds at most. */
  CACHE_L1_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  /** Use Redis as the shared L2 (and its pub/sub as the invalidation bus). */
  CACHE_L2_ENABLED: z.stringbool().default(true),
  /** After an L2 error, L2 is skipped for this long before it is tried again (circuit breaker). */
  CACHE_L2_COOLDOWN_MS: z.coerce.number().int().min(0).default(5000),
  /** How long past its TTL a value may still be served while one refresh runs or when the loader fails. */
  CACHE_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(6 * 3_600_000),
  /**
   * After an invalidation, no load may write the key (or tag, or prefix) back for this long. Covers
   * loads that read a replica still behind the write: set it above DB_REPLICA_MAX_LAG_MS plus a
   * replica check interval.
   */
  CACHE_INVALIDATION_HOLD_MS: z.coerce.number().int().min(0).default(2000),
  /** Distributed loads: how long the one loader across replicas holds its lock. */
  CACHE_LOCK_TTL_MS: z.coerce.number().int().min(100).default(5000),
  /** Distributed loads: how long the others wait for its value in L2 before loading themselves. */
  CACHE_LOCK_WAIT_MS: z.coerce.number().int().min(0).default(2000),
  /**
   * While the invalidation bus is disconnected another replica's invalidation cannot reach this L1,
   * so L1 values older than this are not served (they are reloaded) until it is back.
   */
  CACHE_BUS_DOWN_L1_MAX_AGE_MS: z.coerce.number().int().min(0).default(5000),
});

export type CacheEnv = z.infer<typeof cacheEnvSchema>;
