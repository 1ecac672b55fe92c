/** How one namespace of the cache behaves. */
export interface NamespacePolicy {
  /** Time a value is fresh. */
  ttlMs: number;
  /** Time past the TTL a value may be served stale; @default CACHE_GRACE_MS */
  graceMs?: number;
  /** Keep values in the in-process L1; @default true */
  l1?: boolean;
  /** One load across all replicas for a missing key (a short Redis lock); @default false */
  distributed?: boolean;
  /** With a stale value at hand, a loader slower than this returns the stale value (the load goes on); @default 100 */
  softTimeoutMs?: number;
  /** A loader slower than this fails the call with CacheLoadTimeoutError (or returns stale within grace); @default 10000 */
  hardTimeoutMs?: number;
}

const minutes = (count: number) => count * 60_000;

/** The defaults of ARCHITECTURE.md's cache policy table. */
export const defaultNamespaces = {
  'restaurant-list': { ttlMs: minutes(30) },
  'restaurant-detail': { ttlMs: minutes(60) },
  'search-results': { ttlMs: minutes(15) },
  counts: { ttlMs: minutes(5) },
  user: { ttlMs: minutes(60) },
} as const satisfies Record<string, NamespacePolicy>;
