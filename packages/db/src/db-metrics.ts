import type pg from 'pg';
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { ReplicaState } from './replica-monitor.js';

/**
 * Pool gauges (read from the pools at scrape time), a query duration histogram per server, and the
 * replicas' lag and rotation state.
 */
export class DbMetrics {
  readonly queryDuration: Histogram<'server'>;

  constructor(
    registry: Registry,
    pools: () => Array<{ server: string; pool: pg.Pool }>,
    replicas: () => ReplicaState[],
  ) {
    this.queryDuration = new Histogram({
      name: 'db_query_duration_seconds',
      help: 'Duration of Prisma queries by server',
      labelNames: ['server'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'pg pool connections by server and state (total, idle, waiting = callers queued for one)',
      labelNames: ['server', 'state'],
      registers: [registry],
      collect() {
        for (const { server, pool } of pools()) {
          this.set({ server, state: 'total' }, pool.totalCount);
          this.set({ server, state: 'idle' }, pool.idleCount);
          this.set({ server, state: 'waiting' }, pool.waitingCount);
        }
      },
    });
    new Gauge({
      name: 'db_replica_lag_ms',
      help: 'Replication lag of each replica as of its last check',
      labelNames: ['replica'],
      registers: [registry],
      collect() {
        for (const state of replicas()) this.set({ replica: state.name }, state.lagMs);
      },
    });
    new Gauge({
      name: 'db_replica_in_rotation',
      help: '1 when the replica serves reads, 0 when it is down or lagging',
      labelNames: ['replica'],
      registers: [registry],
      collect() {
        for (const state of replicas()) this.set({ replica: state.name }, state.healthy ? 1 : 0);
      },
    });
  }
}
