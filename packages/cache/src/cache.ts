import { randomUUID } from 'node:crypto';
import type { RedisConnections } from '@tablestack/redis-client';
import { Registry } from 'prom-client';
import type { CacheEntry } from './cache-entry.js';
import type { CacheEnv } from './cache-env.js';
import { CacheLoadTimeoutError } from './cache-errors.js';
import { NamespaceStats, type NamespaceStatsSnapshot, registerCacheMetrics } from './cache-stats.js';
import { type BusMessage, InvalidationBus } from './invalidation-bus.js';
import { MemoryStore } from './memory-store.js';
import { defaultNamespaces, type NamespacePolicy } from './namespace-policy.js';
import { type LoadSnapshot, RedisStore } from './redis-store.js';

export interface CacheLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface CacheOptions {
  env: CacheEnv;
  logger: CacheLogger;
  /** The process's shared Redis connections (L2 and bus); without them the cache is L1 only. */
  redis?: RedisConnections;
  /** Namespaces and their policies; @default defaultNamespaces (ARCHITECTURE.md) */
  namespaces?: Record<string, NamespacePolicy>;
  /** Registry for the cache metrics; @default a new one */
  registry?: Registry;
}

export interface GetOrSetOptions {
  /** Tags to invalidate the value by later (e.g. `restaurant:<id>`). */
  tags?: readonly string[];
  /** Overrides the namespace's TTL for this value. */
  ttlMs?: number;
}

type Loader<T> = () => Promise<T> | T;

interface Namespace {
  name: string;
  policy: Required<NamespacePolicy>;
  stats: NamespaceStats;
}

/** A load in progress in this process; invalidations that reach it mark it so its value is not kept. */
interface Load {
  promise: Promise<unknown>;
  tags: readonly string[];
  invalidated: boolean;
}

/** Invalidations made while L2 was unreachable, replayed to Redis and the bus when it is back. */
const MAX_PENDING = 1000;

/**
 * A two-tier cache: L1 in process (lru-cache, synchronous hits), L2 in Redis on the shared command
 * connection, an invalidation bus over Redis pub/sub. The guarantees:
 * - a hit in L1 costs a map lookup: no promise, no lock, no serialization;
 * - after `invalidate*()` resolves, no replica serves the old value, and no load that started
 *   before it (or, within CACHE_INVALIDATION_HOLD_MS, after it, reading a lagging replica) writes
 *   an old value back: in-flight loads are marked, L2 writes are compare-and-set on generations;
 * - concurrent misses of a key cause one load per process (and one across replicas with
 *   `distributed`); stale values are served within grace while one refresh runs or the loader fails;
 * - Redis down or slow never fails or hangs a read: L2 is skipped for a cool-down, reads fall back
 *   to L1 and the loader, and invalidations made meanwhile are replayed when it is back.
 */
export class Cache {
  readonly l1: MemoryStore;
  readonly instanceId = `${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #env: CacheEnv;
  readonly #logger: CacheLogger;
  readonly #l2: RedisStore | undefined;
  readonly #bus: InvalidationBus | undefined;
  readonly #namespaces = new Map<string, Namespace>();
  readonly #loads = new Map<string, Load>();
  /** Local invalidation holds: `k:<full>`, `t:<tag>`, `n:<namespace>` → epoch ms until which loads are not kept. */
  readonly #holds = new Map<string, number>();
  #pending: BusMessage[] = [];
  #pendingOverflow = false;
  #l2DownUntil = 0;
  #l2Down = false;
  #recovering: Promise<RedisStore | undefined> | undefined;
  /** Counts invalidations applied in this process, so an L1 write can tell one happened meanwhile. */
  #invalidationCount = 0;

  constructor(options: CacheOptions) {
    const { env } = options;
    this.#env = env;
    this.#logger = options.logger;
    this.l1 = new MemoryStore({ maxEntries: env.CACHE_L1_MAX_ENTRIES, maxBytes: env.CACHE_L1_MAX_BYTES });
    for (const [name, policy] of Object.entries(options.namespaces ?? defaultNamespaces)) {
      this.#namespaces.set(name, {
        name,
        policy: {
          graceMs: env.CACHE_GRACE_MS,
          l1: true,
          distributed: false,
          softTimeoutMs: 100,
          hardTimeoutMs: 10_000,
          ...policy,
        },
        stats: new NamespaceStats(),
      });
    }
    const redis = options.redis;
    if (redis && env.CACHE_L2_ENABLED) {
      this.#l2 = new RedisStore(redis.command, redis.keyPrefix);
      this.#bus = new InvalidationBus({
        command: () => redis.command,
        subscriber: () => redis.subscriber,
        channel: redis.channel('cache-invalidation'),
        instanceId: this.instanceId,
        onMessage: (message) => this.#applyLocally(message),
        onReconnect: () => {
          // Invalidations published while we were away are lost: nothing in L1 can be trusted.
          this.l1.clear();
          this.#logger.warn({}, 'cache bus reconnected: L1 cleared');
        },
        onError: (error) =>
          this.#logger.warn({ err: { message: error.message } }, 'cache bus message ignored'),
      });
    }
    registerCacheMetrics(
      options.registry ?? new Registry(),
      () => new Map([...this.#namespaces].map(([name, namespace]) => [name, namespace.stats])),
      () => ({ entries: this.l1.size, bytes: this.l1.bytes }),
    );
  }

  /** Subscribes to the invalidation bus (waits at most CACHE_LOCK_WAIT_MS; it keeps trying after). */
  async start(): Promise<this> {
    if (!this.#bus) return this;
    const subscribed = this.#bus.start().catch((error: Error) => {
      this.#logger.warn({ err: { message: error.message } }, 'cache bus not subscribed yet');
    });
    await Promise.race([
      subscribed,
      new Promise((resolve) => setTimeout(resolve, Math.max(this.#env.CACHE_LOCK_WAIT_MS, 500)).unref()),
    ]);
    return this;
  }

  async close(): Promise<void> {
    await this.#bus?.stop();
  }

  /**
   * The value for `key`: from L1 synchronously when fresh there, otherwise a promise (L2, then one
   * load). `await` works on both.
   */
  getOrSet<T>(namespace: string, key: string, loader: Loader<T>, options?: GetOrSetOptions): T | Promise<T> {
    const ns = this.#namespace(namespace);
    if (!this.#env.CACHE_ENABLED) return loader();
    const full = `${namespace}:${key}`;
    const entry = ns.policy.l1 ? this.l1.get(full) : undefined;
    if (entry !== undefined) {
      const now = Date.now();
      if (entry.freshUntil > now && this.#servable(entry, now)) {
        ns.stats.l1Hits++;
        return entry.value as T;
      }
    }
    return this.#slowPath(ns, full, loader, options, entry);
  }

  /** Wraps a function so its results are cached under `key(...args)`. */
  cached<Args extends unknown[], T>(
    namespace: string,
    fn: (...args: Args) => Promise<T>,
    keys: { key: (...args: Args) => string; tags?: (...args: Args) => string[] },
  ): (...args: Args) => Promise<T> {
    this.#namespace(namespace);
    return async (...args: Args) => {
      const tags = keys.tags?.(...args);
      return this.getOrSet(namespace, keys.key(...args), () => fn(...args), tags ? { tags } : undefined);
    };
  }

  /** Loads `keys` ahead of traffic, at most `concurrency` at a time. Failures are counted, not thrown. */
  async warm<T>(
    namespace: string,
    keys: readonly string[],
    loader: (key: string) => Promise<T>,
    options: { concurrency?: number; tags?: (key: string) => string[] } = {},
  ): Promise<{ warmed: number; failed: number }> {
    let next = 0;
    let warmed = 0;
    let failed = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        try {
          const tags = options.tags?.(key);
          await this.getOrSet(namespace, key, () => loader(key), tags ? { tags } : undefined);
          warmed++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, keys.length)) }, worker),
    );
    return { warmed, failed };
  }

  /** Invalidates keys of a namespace everywhere; resolves when L2 and the other replicas have been told. */
  async invalidate(namespace: string, ...keys: string[]): Promise<void> {
    this.#namespace(namespace);
    await this.#invalidate({ kind: 'keys', fulls: keys.map((key) => `${namespace}:${key}`) });
  }

  /** Invalidates every value carrying one of `tags`, in every namespace. */
  async invalidateTags(...tags: string[]): Promise<void> {
    await this.#invalidate({ kind: 'tags', tags, gens: [] });
  }

  /** Invalidates the keys of a namespace that start with `prefix` ('' for the whole namespace). */
  async invalidatePrefix(namespace: string, prefix = ''): Promise<void> {
    this.#namespace(namespace);
    await this.#invalidate({ kind: 'prefix', namespace, prefix });
  }

  /** Per-namespace statistics, for /admin/stats. */
  stats(): {
    namespaces: Record<string, NamespaceStatsSnapshot>;
    l1: { entries: number; bytes: number };
    l2: { enabled: boolean; available: boolean };
    bus: { connected: boolean };
  } {
    return {
      namespaces: Object.fromEntries(
        [...this.#namespaces].map(([name, namespace]) => [name, namespace.stats.snapshot()]),
      ),
      l1: { entries: this.l1.size, bytes: this.l1.bytes },
      l2: { enabled: this.#l2 !== undefined, available: this.#l2 !== undefined && !this.#l2Down },
      bus: { connected: this.#bus?.connected ?? false },
    };
  }

  // ---- reads ---------------------------------------------------------------------------------------

  /** An L1 entry may be served unless the bus is down and it is older than we can vouch for. */
  #servable(entry: CacheEntry, now: number): boolean {
    return (
      this.#bus === undefined ||
      this.#bus.connected ||
      now - entry.storedAt <= this.#env.CACHE_BUS_DOWN_L1_MAX_AGE_MS
    );
  }

  #slowPath<T>(
    ns: Namespace,
    full: string,
    loader: Loader<T>,
    options: GetOrSetOptions | undefined,
    l1Entry: CacheEntry | undefined,
  ): T | Promise<T> {
    const now = Date.now();
    const tags = options?.tags ?? [];
    // Within grace: answer stale now and let one refresh run.
    if (l1Entry !== undefined && l1Entry.staleUntil > now && this.#servable(l1Entry, now)) {
      ns.stats.staleServed++;
      if (!this.#loads.has(full))
        this.#lookupAndLoad(ns, full, loader, tags, options?.ttlMs, l1Entry).catch(() => {});
      return l1Entry.value as T;
    }
    const running = this.#joinable(full);
    if (running) return running.promise as Promise<T>;
    const l2 = this.#availableL2();
    if (!l2) return this.#lookupAndLoad(ns, full, loader, tags, options?.ttlMs, undefined);
    // The L2 hit path, kept flat (one GET, no load bookkeeping) because it is the common case after
    // L1; a miss goes on to the deduplicated load, which checks L2 again under its own bookkeeping.
    const invalidations = this.#invalidationCount;
    return l2.read(full, tags).then(
      (entry) => {
        if (entry !== undefined && entry.freshUntil > Date.now()) {
          ns.stats.l2Hits++;
          // The L1 fill is not the caller's business: it runs after the caller has its value. An
          // invalidation that arrived in the meantime (while the GET was out, or before the fill)
          // must not be undone by it.
          if (ns.policy.l1) {
            setImmediate(() => {
              if (this.#invalidationCount === invalidations) this.l1.set(full, entry);
            });
          }
          return entry.value as T;
        }
        return (
          this.#joinable(full)?.promise ??
          this.#lookupAndLoad(ns, full, loader, tags, options?.ttlMs, undefined)
        );
      },
      (error: unknown) => {
        this.#l2Failed(ns, error);
        return (
          this.#joinable(full)?.promise ??
          this.#lookupAndLoad(ns, full, loader, tags, options?.ttlMs, undefined)
        );
      },
    ) as Promise<T>;
  }

  #lookupAndLoad<T>(
    ns: Namespace,
    full: string,
    loader: Loader<T>,
    tags: readonly string[],
    ttlMs: number | undefined,
    stale: CacheEntry | undefined,
  ): Promise<T> {
    const load: Load = { promise: Promise.resolve(), tags, invalidated: false };
    const promise = (async () => {
      try {
        let snapshot: LoadSnapshot | undefined;
        let staleEntry = stale;
        const l2 = this.#availableL2();
        if (l2) {
          try {
            const entry = await l2.read(full, tags);
            const now = Date.now();
            if (entry && entry.freshUntil > now) {
              ns.stats.l2Hits++;
              if (ns.policy.l1 && !load.invalidated) this.l1.set(full, entry);
              return entry.value as T;
            }
            if (entry && entry.staleUntil > now) staleEntry ??= entry;
            // A miss: the generations this load starts from, for the compare-and-set write.
            snapshot = await l2.snapshot(ns.name, full, tags);
          } catch (error) {
            this.#l2Failed(ns, error);
          }
        }
        if (!stale) ns.stats.misses++;
        if (snapshot && l2 && ns.policy.distributed) {
          const waited = await this.#waitForDistributedLoad(ns, l2, full, tags);
          if (waited.value !== undefined) return waited.value as T;
          if (waited.owned) {
            try {
              return await this.#loadAndKeep(ns, full, loader, tags, ttlMs, snapshot, staleEntry, load);
            } finally {
              await l2.releaseLock(full, this.instanceId).catch((error) => this.#l2Failed(ns, error));
            }
          }
        }
        return await this.#loadAndKeep(ns, full, loader, tags, ttlMs, snapshot, staleEntry, load);
      } finally {
        // A newer load may have replaced this one after an invalidation; leave that one in place.
        if (this.#loads.get(full) === load) this.#loads.delete(full);
      }
    })();
    load.promise = promise;
    this.#loads.set(full, load);
    return promise;
  }

  /**
   * Distributed loads: take the key's lock (then load), or wait for the lock holder's value to
   * appear in L2, up to CACHE_LOCK_WAIT_MS (then load anyway).
   */
  async #waitForDistributedLoad(
    ns: Namespace,
    l2: RedisStore,
    full: string,
    tags: readonly string[],
  ): Promise<{ owned: boolean; value?: unknown }> {
    try {
      if (await l2.acquireLock(full, this.instanceId, this.#env.CACHE_LOCK_TTL_MS)) return { owned: true };
      const deadline = Date.now() + this.#env.CACHE_LOCK_WAIT_MS;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const entry = await l2.read(full, tags);
        if (entry && entry.freshUntil > Date.now()) {
          ns.stats.l2Hits++;
          ns.stats.misses--; // it was answered by another replica's load after all
          if (ns.policy.l1) this.l1.set(full, entry);
          return { owned: false, value: entry.value };
        }
      }
    } catch (error) {
      this.#l2Failed(ns, error);
    }
    return { owned: false };
  }

  /** Runs the loader under the namespace's timeouts, then keeps the value if it is still current. */
  async #loadAndKeep<T>(
    ns: Namespace,
    full: string,
    loader: Loader<T>,
    tags: readonly string[],
    ttlMs: number | undefined,
    snapshot: LoadSnapshot | undefined,
    stale: CacheEntry | undefined,
    load: Load,
  ): Promise<T> {
    ns.stats.loads++;
    const loading = (async () => {
      const value = await loader();
      await this.#keep(ns, full, value, tags, ttlMs, snapshot, load);
      return value;
    })();
    const { softTimeoutMs, hardTimeoutMs } = ns.policy;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'soft' | 'hard'>((resolve) => {
      if (stale) timer = setTimeout(() => resolve('soft'), softTimeoutMs);
      else timer = setTimeout(() => resolve('hard'), hardTimeoutMs);
    });
    try {
      const winner = await Promise.race([loading, timeout]);
      if (winner === 'soft' || winner === 'hard') {
        // The load goes on in the background and is kept when it completes.
        loading.catch((error) => this.#loadFailed(ns, full, error));
        if (stale) {
          ns.stats.staleServed++;
          return stale.value as T;
        }
        throw new CacheLoadTimeoutError(ns.name, hardTimeoutMs);
      }
      return winner;
    } catch (error) {
      if (error instanceof CacheLoadTimeoutError) throw error;
      this.#loadFailed(ns, full, error);
      if (stale && stale.staleUntil > Date.now()) {
        ns.stats.staleServed++;
        return stale.value as T;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  #loadFailed(ns: Namespace, full: string, error: unknown): void {
    ns.stats.loadErrors++;
    this.#logger.warn({ key: full, err: { message: (error as Error)?.message } }, 'cache load failed');
  }

  /** Writes a loaded value to L2 (compare-and-set) and L1, unless an invalidation got there first. */
  async #keep(
    ns: Namespace,
    full: string,
    value: unknown,
    tags: readonly string[],
    ttlMs: number | undefined,
    snapshot: LoadSnapshot | undefined,
    load: Load,
  ): Promise<void> {
    const serialized = JSON.stringify(value);
    if (serialized === undefined) return; // undefined and functions are not cacheable
    const now = Date.now();
    const freshUntil = now + (ttlMs ?? ns.policy.ttlMs);
    const entry: CacheEntry = {
      value,
      freshUntil,
      staleUntil: freshUntil + ns.policy.graceMs,
      storedAt: now,
      tags,
      tagGens: snapshot ? snapshot.tagGens.map(Number) : tags.map(() => 0),
      size: serialized.length,
    };
    if (load.invalidated || this.#held(ns.name, full, tags, now)) {
      ns.stats.writeBacksRefused++;
      return;
    }
    const l2 = snapshot ? this.#availableL2() : undefined;
    if (l2 && snapshot) {
      try {
        if (!(await l2.writeIfCurrent(ns.name, full, entry, serialized, snapshot))) {
          ns.stats.writeBacksRefused++;
          return;
        }
      } catch (error) {
        this.#l2Failed(ns, error);
      }
    }
    // An invalidation may have arrived while L2 was being written.
    if (load.invalidated) {
      ns.stats.writeBacksRefused++;
      return;
    }
    if (ns.policy.l1) this.l1.set(full, entry);
  }

  // ---- invalidation --------------------------------------------------------------------------------

  async #invalidate(message: BusMessage): Promise<void> {
    this.#applyLocally(message);
    const l2 = this.#l2Down ? await this.#recoverL2() : this.#l2;
    if (!l2 || !this.#bus) {
      if (this.#l2) this.#queuePending(message);
      return;
    }
    try {
      await this.#applyToL2(l2, message);
      await this.#bus.publish(message);
    } catch (error) {
      this.#l2Failed(undefined, error);
      this.#queuePending(message);
    }
  }

  async #applyToL2(l2: RedisStore, message: BusMessage): Promise<void> {
    const hold = this.#env.CACHE_INVALIDATION_HOLD_MS;
    if (message.kind === 'keys') await l2.invalidateKeys(message.fulls, hold);
    else if (message.kind === 'tags') message.gens = await l2.invalidateTags(message.tags, hold);
    else if (message.kind === 'prefix') await l2.invalidatePrefix(message.namespace, message.prefix, hold);
    else await l2.clear();
  }

  /** What an invalidation does in this process (made here or received from the bus). */
  #applyLocally(message: BusMessage): void {
    this.#invalidationCount++;
    const holdUntil = Date.now() + this.#env.CACHE_INVALIDATION_HOLD_MS;
    if (message.kind === 'keys') {
      for (const full of message.fulls) {
        this.l1.delete(full);
        this.#hold(`k:${full}`, holdUntil);
        const load = this.#loads.get(full);
        if (load) load.invalidated = true;
      }
    } else if (message.kind === 'tags') {
      for (const tag of message.tags) {
        this.l1.deleteByTag(tag);
        this.#hold(`t:${tag}`, holdUntil);
      }
      for (const load of this.#loads.values())
        if (load.tags.some((tag) => message.tags.includes(tag))) load.invalidated = true;
    } else if (message.kind === 'prefix') {
      const start = `${message.namespace}:${message.prefix}`;
      this.l1.deleteByPrefix(start);
      this.#hold(`n:${message.namespace}`, holdUntil);
      for (const [full, load] of this.#loads) if (full.startsWith(start)) load.invalidated = true;
    } else {
      this.l1.clear();
      for (const load of this.#loads.values()) load.invalidated = true;
    }
  }

  #hold(key: string, until: number): void {
    if (this.#env.CACHE_INVALIDATION_HOLD_MS <= 0) return;
    this.#holds.set(key, until);
    if (this.#holds.size > 10_000) {
      const now = Date.now();
      for (const [held, heldUntil] of this.#holds) if (heldUntil <= now) this.#holds.delete(held);
    }
  }

  #held(namespace: string, full: string, tags: readonly string[], now: number): boolean {
    if (this.#holds.size === 0) return false;
    const active = (key: string) => (this.#holds.get(key) ?? 0) > now;
    return active(`k:${full}`) || active(`n:${namespace}`) || tags.some((tag) => active(`t:${tag}`));
  }

  #queuePending(message: BusMessage): void {
    if (this.#pending.length >= MAX_PENDING) this.#pendingOverflow = true;
    else this.#pending.push(message);
  }

  // ---- L2 health -----------------------------------------------------------------------------------

  /**
   * L2 unless it is cooling down after an error; synchronous, since it is on every L2 hit. Once the
   * cool-down has passed, the recovery (replaying what was invalidated meanwhile) starts in the
   * background and L2 is used again when it has succeeded.
   */
  #availableL2(): RedisStore | undefined {
    if (!this.#l2Down) return this.#l2;
    if (Date.now() >= this.#l2DownUntil) void this.#recoverL2();
    return undefined;
  }

  /** Replays the invalidations made while L2 was away, so it cannot serve what they removed; then uses it again. */
  #recoverL2(): Promise<RedisStore | undefined> {
    const l2 = this.#l2;
    if (!l2 || !this.#l2Down) return Promise.resolve(l2);
    if (Date.now() < this.#l2DownUntil) return Promise.resolve(undefined);
    this.#recovering ??= (async () => {
      try {
        if (this.#pendingOverflow) {
          await this.#applyToL2(l2, { kind: 'clear' });
          await this.#bus?.publish({ kind: 'clear' });
        } else {
          for (const message of this.#pending) {
            await this.#applyToL2(l2, message);
            await this.#bus?.publish(message);
          }
        }
        this.#pending = [];
        this.#pendingOverflow = false;
        this.#l2Down = false;
        this.#logger.info({}, 'cache L2 back in use');
        return l2;
      } catch (error) {
        this.#l2Failed(undefined, error);
        return undefined;
      } finally {
        this.#recovering = undefined;
      }
    })();
    return this.#recovering;
  }

  #l2Failed(ns: Namespace | undefined, error: unknown): void {
    if (ns) ns.stats.l2Errors++;
    this.#l2DownUntil = Date.now() + this.#env.CACHE_L2_COOLDOWN_MS;
    if (!this.#l2Down) {
      this.#l2Down = true;
      this.#logger.warn(
        { err: { message: (error as Error)?.message }, cooldownMs: this.#env.CACHE_L2_COOLDOWN_MS },
        'cache L2 unavailable: serving from L1 and loaders',
      );
    }
  }

  /**
   * A load of `full` that a new caller may share: not one an invalidation has marked, since it may
   * be reading what the invalidation replaced (the caller came after the write).
   */
  #joinable(full: string): Load | undefined {
    const load = this.#loads.get(full);
    return load && !load.invalidated ? load : undefined;
  }

  #namespace(name: string): Namespace {
    const namespace = this.#namespaces.get(name);
    if (!namespace) throw new Error(`unknown cache namespace: ${name}`);
    return namespace;
  }
}
