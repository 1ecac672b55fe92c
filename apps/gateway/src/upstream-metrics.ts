import { Counter, Gauge, type Registry } from 'prom-client';
import type { UpstreamPool } from './upstream-pool.js';

const stateValue = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Breaker state per upstream replica (0 closed, 1 half-open, 2 open), read at scrape time. */
export function registerUpstreamMetrics(registry: Registry, pools: readonly UpstreamPool[]): void {
  new Gauge({
    name: 'gateway_upstream_breaker_state',
    help: 'Circuit breaker state per upstream replica: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream', 'target'],
    registers: [registry],
    collect() {
      for (const pool of pools)
        for (const member of pool.members)
          this.set({ upstream: pool.name, target: member.url }, stateValue[member.state]);
    },
  });
  new Counter({
    name: 'gateway_upstream_retries_total',
    help: 'Safe requests sent to another replica after the first one refused or dropped the connection',
    labelNames: ['upstream'],
    registers: [registry],
    collect() {
      this.reset();
      for (const pool of pools) this.inc({ upstream: pool.name }, pool.retries);
    },
  });
}

/** Breaker states and counts, for /upstreams and /admin/stats. */
export function upstreamStates(pools: readonly UpstreamPool[]) {
  return Object.fromEntries(
    pools.map((pool) => [
      pool.name,
      pool.members.map((member) => {
        const stats = member.breaker.stats;
        return {
          target: member.url,
          state: member.state,
          successes: stats.successes,
          failures: stats.failures,
          rejects: stats.rejects,
        };
      }),
    ]),
  );
}
