import { Counter, Gauge, type Registry } from 'prom-client';

/** Counters of one namespace. Plain numbers: the hot path only increments a field. */
export class NamespaceStats {
  l1Hits = 0;
  l2Hits = 0;
  misses = 0;
  staleServed = 0;
  loads = 0;
  loadErrors = 0;
  l2Errors = 0;
  /** Loaded values not written back because an invalidation happened or was held meanwhile. */
  writeBacksRefused = 0;

  snapshot() {
    const hits = this.l1Hits + this.l2Hits;
    const lookups = hits + this.misses;
    return {
      l1Hits: this.l1Hits,
      l2Hits: this.l2Hits,
      misses: this.misses,
      staleServed: this.staleServed,
      loads: this.loads,
      loadErrors: this.loadErrors,
      l2Errors: this.l2Errors,
      writeBacksRefused: this.writeBacksRefused,
      hitRate: lookups === 0 ? 0 : hits / lookups,
      l1HitRate: lookups === 0 ? 0 : this.l1Hits / lookups,
    };
  }
}

export type NamespaceStatsSnapshot = ReturnType<NamespaceStats['snapshot']>;

const counterFields = [
  ['l1Hits', 'l1_hit'],
  ['l2Hits', 'l2_hit'],
  ['misses', 'miss'],
  ['staleServed', 'stale_served'],
  ['loads', 'load'],
  ['loadErrors', 'load_error'],
  ['l2Errors', 'l2_error'],
  ['writeBacksRefused', 'write_back_refused'],
] as const;

/** Exposes the namespaces' counters to Prometheus, read at scrape time. */
export function registerCacheMetrics(
  registry: Registry,
  namespaces: () => Map<string, NamespaceStats>,
  l1: () => { entries: number; bytes: number },
): void {
  new Counter({
    name: 'cache_events_total',
    help: 'Cache events by namespace: l1_hit, l2_hit, miss, stale_served, load, load_error, l2_error, write_back_refused',
    labelNames: ['namespace', 'event'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [namespace, stats] of namespaces()) {
        for (const [field, event] of counterFields) this.inc({ namespace, event }, stats[field]);
      }
    },
  });
  new Gauge({
    name: 'cache_hit_ratio',
    help: 'Hits (L1 + L2) over lookups since start, by namespace',
    labelNames: ['namespace'],
    registers: [registry],
    collect() {
      for (const [namespace, stats] of namespaces()) this.set({ namespace }, stats.snapshot().hitRate);
    },
  });
  new Gauge({
    name: 'cache_l1_size',
    help: 'In-process L1 size: entries and bytes',
    labelNames: ['unit'],
    registers: [registry],
    collect() {
      const size = l1();
      this.set({ unit: 'entries' }, size.entries);
      this.set({ unit: 'bytes' }, size.bytes);
    },
  });
}
