// Event-loop delay of the user-service during a login burst, from the service's own metrics
// (prom-client's nodejs_eventloop_lag_*, a perf_hooks.monitorEventLoopDelay histogram that is reset
// on every scrape): one scrape before the burst starts a fresh histogram, the one after reads it.
// A quiet period of the same length first gives the baseline (prom-client samples every 10 ms, so an
// idle loop already reads about 10 ms).

import { type LoadResult, runLoad, type Target } from '../lib/load.js';
import { scrape, sumOf } from '../lib/prometheus-text.js';

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoginBurst {
  connections: number;
  idle: LoopDelay[];
  burst: LoopDelay[];
  load: LoadResult;
}

async function readDelay(urls: string[]): Promise<LoopDelay[]> {
  return Promise.all(
    urls.map(async (url) => {
      const samples = await scrape(`${url}/metrics`);
      const ms = (name: string) => Math.round(sumOf(samples, name) * 10_000) / 10;
      return {
        p50Ms: ms('nodejs_eventloop_lag_p50_seconds'),
        p99Ms: ms('nodejs_eventloop_lag_p99_seconds'),
        maxMs: ms('nodejs_eventloop_lag_max_seconds'),
      };
    }),
  );
}

export async function measureLoginBurst(
  serviceUrls: string[],
  target: Target,
  connections: number,
  durationMs: number,
): Promise<LoginBurst> {
  await readDelay(serviceUrls);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const idle = await readDelay(serviceUrls);
  const load = await runLoad(target, { connections, durationMs });
  const burst = await readDelay(serviceUrls);
  return { connections, idle, burst, load };
}
