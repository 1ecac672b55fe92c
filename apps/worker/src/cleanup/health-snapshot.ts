import type { Database } from '@tablestack/db';
import type { RedisConnections } from '@tablestack/redis-client';
import type { Queue } from 'bullmq';

export interface HealthSnapshot {
  at: string;
  healthy: boolean;
  postgres: { ok: boolean; ms: number; error?: string };
  redis: { ok: boolean; ms: number; error?: string };
  /** waiting, active, delayed and failed jobs per queue. */
  queues: Record<string, Record<string, number>>;
}

/** Redis key (in the worker's namespace) of the latest snapshot. */
export const HEALTH_SNAPSHOT_KEY = 'health:snapshot';

async function timed(check: () => Promise<unknown>): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: (error as Error).message.slice(0, 200),
    };
  }
}

/**
 * A periodic health snapshot: Postgres and Redis round trips and every queue's backlog, kept as the
 * job's result (bull-board history) and as the latest value in Redis (`health:snapshot`, one hour),
 * for dashboards and the admin stats endpoint.
 */
export async function takeHealthSnapshot(deps: {
  db: Pick<Database, 'health'>;
  redis: Pick<RedisConnections, 'ping' | 'command'>;
  queues: () => Queue[];
}): Promise<HealthSnapshot> {
  const [postgres, redis] = await Promise.all([
    timed(() => deps.db.health()),
    timed(() => deps.redis.ping()),
  ]);
  const queues: HealthSnapshot['queues'] = {};
  if (redis.ok)
    for (const queue of deps.queues())
      queues[queue.name] = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  const snapshot = {
    at: new Date().toISOString(),
    healthy: postgres.ok && redis.ok,
    postgres,
    redis,
    queues,
  };
  if (redis.ok) await deps.redis.command.set(HEALTH_SNAPSHOT_KEY, JSON.stringify(snapshot), 'EX', 3600);
  return snapshot;
}
