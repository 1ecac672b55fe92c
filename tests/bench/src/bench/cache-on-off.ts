// Cache on vs off on a Zipf-distributed read workload of restaurant details: two restaurant-service
// instances the bench starts itself, identical but for CACHE_ENABLED, both with the service's default
// start-up warming (the 50 most reviewed restaurants: the head of the workload), then warmed by the
// workload itself for --zipf-warmup-ms. The cache-on instance first reads every restaurant of the
// workload once: the steady state of a service that has run for a while (its TTL is an hour), which
// a few seconds of load on this machine cannot reach (they would measure first-time misses only).
// The instances' /metrics give the
// database queries per request (db_query_duration_seconds_count) and the cache's hit rate
// (cache_events_total of the restaurant-detail namespace) during the measured phase only.

import { startApp } from '../lib/app-processes.js';
import type { Started } from '../lib/child-process.js';
import { type LoadResult, runLoad } from '../lib/load.js';
import { type Sample, scrape, sumOf } from '../lib/prometheus-text.js';
import type { StackEnv } from '../lib/stack-env.js';
import { createZipf } from '../lib/zipf.js';
import type { BenchOptions } from './options.js';
import { urlOf } from './topology.js';

export interface CacheSide {
  load: LoadResult;
  dbQueriesPerRequest: number;
  hitRate: number | null;
  hits: number;
  misses: number;
}

export interface CacheOnOff {
  items: number;
  s: number;
  /** Share of requests that go to the 1% most read restaurants. */
  topOnePercentShare: number;
  on: CacheSide;
  off: CacheSide;
  ratio: number;
}

function counters(samples: Sample[]) {
  const detail = { namespace: 'restaurant-detail' };
  return {
    queries: sumOf(samples, 'db_query_duration_seconds_count'),
    hits:
      sumOf(samples, 'cache_events_total', { ...detail, event: 'l1_hit' }) +
      sumOf(samples, 'cache_events_total', { ...detail, event: 'l2_hit' }),
    misses: sumOf(samples, 'cache_events_total', { ...detail, event: 'miss' }),
  };
}

/** Reads every id once, 8 at a time. */
async function prefill(service: Started, ids: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < ids.length) {
        const response = await fetch(`${urlOf(service)}/restaurants/${ids[next++]}`);
        await response.arrayBuffer();
      }
    }),
  );
}

async function side(
  service: Started,
  ids: string[],
  options: BenchOptions,
  s: number,
  fill: boolean,
): Promise<CacheSide> {
  if (fill) await prefill(service, ids);
  const zipf = createZipf(ids.length, s);
  const target = { urls: [urlOf(service)], path: () => `/restaurants/${ids[zipf.next()]}` };
  await runLoad(target, { connections: options.connections, durationMs: options.zipfWarmupMs });
  const before = counters(await scrape(`${urlOf(service)}/metrics`));
  const load = await runLoad(target, { connections: options.connections, durationMs: options.phaseMs });
  const after = counters(await scrape(`${urlOf(service)}/metrics`));
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return {
    load,
    dbQueriesPerRequest: load.requests > 0 ? (after.queries - before.queries) / load.requests : 0,
    hitRate: hits + misses > 0 ? hits / (hits + misses) : null,
    hits,
    misses,
  };
}

export async function measureCacheOnOff(
  stack: StackEnv,
  ids: string[],
  options: BenchOptions,
): Promise<CacheOnOff> {
  const on = await startApp({ app: 'restaurant-service', instance: 'bench-cache-on', stack });
  const off = await startApp({
    app: 'restaurant-service',
    instance: 'bench-cache-off',
    stack,
    env: { CACHE_ENABLED: 'false' },
  });
  try {
    const offSide = await side(off, ids, options, options.zipfS, false);
    const onSide = await side(on, ids, options, options.zipfS, true);
    return {
      items: ids.length,
      s: options.zipfS,
      topOnePercentShare: createZipf(ids.length, options.zipfS).headShare(Math.ceil(ids.length / 100)),
      on: onSide,
      off: offSide,
      ratio: offSide.load.rps > 0 ? onSide.load.rps / offSide.load.rps : 0,
    };
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
}
