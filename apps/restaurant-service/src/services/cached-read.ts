import type { Cache, GetOrSetOptions } from '@tablestack/cache';
import { currentReadContext } from '@tablestack/db';

/**
 * `cache.getOrSet`, except for a request that must see a recent write: one that carries a read
 * position (x-db-lsn: its user wrote within the gateway's read-your-writes window) or that wrote
 * itself. Such a request reads the database (where the router sends it to a replica that has
 * replayed the position, or to the primary) and leaves the cache alone.
 *
 * Why not the cache: concurrent misses of a key share one load per process, whoever started it. The
 * load of another reader, started after the write's invalidation on a replica that is still behind,
 * would hand this user the state from before their own write. Hits would be safe (no value older
 * than an invalidation is kept), but a hit and a shared load cannot be told apart from outside the
 * cache. The cost: a user's reads skip the cache for a few seconds after each of their writes.
 */
export function cachedRead<T>(
  cache: Cache,
  namespace: string,
  key: string,
  loader: () => Promise<T>,
  options: GetOrSetOptions,
): T | Promise<T> {
  const context = currentReadContext();
  if (context && (context.wrote || context.minLsn !== undefined)) return loader();
  return cache.getOrSet(namespace, key, loader, options);
}
