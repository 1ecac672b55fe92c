import { AsyncLocalStorage } from 'node:async_hooks';
import type { Lsn } from './lsn.js';

/**
 * What the router needs to know about the current request to keep read-your-writes:
 * - `minLsn`: a WAL position this caller has already seen written (from the `x-db-lsn` header the
 *   gateway carries for a user's short write window); reads need a replica that replayed it.
 * - `wrote`: this request wrote on the primary; its own position is fetched once, on demand.
 */
export interface ReadContext {
  minLsn?: Lsn;
  wrote: boolean;
  /** Cached position of this request's own writes, fetched after its last write. */
  writeLsn?: Lsn;
}

const storage = new AsyncLocalStorage<ReadContext>();

export function runWithReadContext<T>(context: Partial<ReadContext>, fn: () => T): T {
  return storage.run({ wrote: false, ...context }, fn);
}

export function currentReadContext(): ReadContext | undefined {
  return storage.getStore();
}
