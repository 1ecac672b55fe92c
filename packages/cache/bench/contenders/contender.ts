import type { RedisEnv } from '@tablestack/redis-client';
import type { Logger } from 'pino';

/** The three read paths of the issue, and the floors they are compared with. */
export type CachePath = 'l1-hit' | 'l2-hit' | 'miss' | 'floor';

export interface BenchCase {
  /** Unique in the results: `<library> <path>`, plus a qualifier for variants. */
  name: string;
  library: string;
  path: CachePath;
  /** In-memory operations are timed in batches (see bench-runner.ts); Redis round trips one by one. */
  batched: boolean;
  /** One operation: returns a value, or a promise that mitata awaits. */
  run: () => unknown;
  /** Untimed, before each measurement of the case: e.g. puts the hot keys back into L1. */
  prepare?: () => Promise<void>;
  /** Set on cases that are shown for insight but take no part in the goals. */
  note?: string;
  /** Counters of the case's contender (loads, Redis commands...), read around each measurement. */
  counters?: () => Promise<Record<string, number>>;
}

/** One library under test (or the floors), with its own connections. */
export interface Contender {
  library: string;
  cases: BenchCase[];
  /** Loader calls so far: an L1 or an L2 hit must never call it. */
  loads(): number;
  /** Redis commands sent so far by name, where its connection counts them, and its own statistics. */
  counters?(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface BenchContext {
  /** Unique per run: part of every key, channel and connection name the run creates. */
  runId: string;
  redisEnv: RedisEnv;
  logger: Logger;
  /** Ids kept in L1 for the L1-hit cases. */
  hotIds: string[];
  /** Ids written to L2 before the run and read in a cycle by the L2-hit cases; more than L1 holds. */
  poolIds: string[];
  /** L1 capacity of every contender, in entries. */
  l1MaxEntries: number;
  /** TTL of every value written (short, so that a crashed run's keys go away by themselves). */
  ttlMs: number;
  /** Key prefixes (full Redis keys, without the `*`) that the run writes under, for the clean-up. */
  keyPrefixes: string[];
}

/** Walks `items` in a cycle, one step per call. */
export function cycle<T>(items: readonly T[]): () => T {
  let index = 0;
  return () => {
    const item = items[index]!;
    index = index + 1 === items.length ? 0 : index + 1;
    return item;
  };
}

/** A new id per call, for the miss-then-load cases. */
export function freshIds(prefix: string): () => string {
  let count = 0;
  return () => `${prefix}${count++}`;
}
