import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';
import { type ReplicaMetrics, samplesOf } from '../stack-snapshot.js';

export interface PoolLimits {
  poolSize: number;
  /** Connections each server accepts from non-superusers: max_connections - superuser_reserved_connections. */
  serverCapacity: number;
}

/**
 * Pool sizes and saturation from `db_pool_connections{server,state}` of every replica: callers waiting
 * for a connection (warn), a pool above its size (fail), and whether every pool at full size still
 * fits in what Postgres accepts (fail when not, warn above 80%).
 */
export function evaluatePools(replicas: readonly ReplicaMetrics[], limits: PoolLimits): CheckResult {
  const statuses: CheckStatus[] = [];
  const details: string[] = [];
  const poolsPerServer = new Map<string, number>();
  let busiest = 0;
  for (const replica of replicas) {
    const samples = samplesOf(replica, 'db_pool_connections');
    const servers = new Set(samples.map((sample) => sample.labels.server ?? '?'));
    for (const server of servers) {
      const value = (state: string) =>
        samplesOf(replica, 'db_pool_connections', { server, state })[0]?.value ?? 0;
      const total = value('total');
      const idle = value('idle');
      const waiting = value('waiting');
      poolsPerServer.set(server, (poolsPerServer.get(server) ?? 0) + 1);
      busiest = Math.max(busiest, (total - idle) / limits.poolSize);
      if (total > limits.poolSize) {
        statuses.push('fail');
        details.push(
          `${replica.app} ${replica.url} ${server}: ${total} connections, above DB_POOL_SIZE=${limits.poolSize}`,
        );
      }
      if (waiting > 0) {
        statuses.push('warn');
        details.push(
          `${replica.app} ${replica.url} ${server}: ${waiting} caller(s) waiting for a connection (pool saturated)`,
        );
      }
    }
  }
  if (poolsPerServer.size === 0) {
    return {
      id: 'db-pools',
      title: 'database pool sizes and saturation',
      status: 'fail',
      details: ['no replica reports db_pool_connections (user-service, restaurant-service, worker should)'],
    };
  }
  for (const [server, pools] of poolsPerServer) {
    const worstCase = pools * limits.poolSize;
    const share = worstCase / limits.serverCapacity;
    if (share > 1) {
      statuses.push('fail');
      details.push(
        `${server}: ${pools} pools x ${limits.poolSize} = ${worstCase} connections at full size, more than the ${limits.serverCapacity} Postgres accepts`,
      );
    } else if (share > 0.8) {
      statuses.push('warn');
      details.push(
        `${server}: ${pools} pools at full size would use ${Math.round(share * 100)}% of max_connections`,
      );
    }
  }
  const servers = [...poolsPerServer].map(([server, pools]) => `${server} ${pools}`).join(', ');
  details.unshift(
    `pools per server: ${servers}; DB_POOL_SIZE=${limits.poolSize}, capacity ${limits.serverCapacity}; busiest pool ${Math.round(busiest * 100)}% in use`,
  );
  return { id: 'db-pools', title: 'database pool sizes and saturation', status: worst(statuses), details };
}

export async function checkDbPools(context: DoctorContext): Promise<CheckResult> {
  const { rows } = await context.primary.query<{ capacity: number }>(
    `select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int as capacity`,
  );
  return evaluatePools(context.replicas, {
    poolSize: context.env.DB_POOL_SIZE,
    serverCapacity: rows[0]!.capacity,
  });
}
