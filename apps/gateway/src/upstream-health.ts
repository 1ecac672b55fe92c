import type { ReadinessCheck } from '@tablestack/service-kit';
import type { UpstreamPool } from './upstream-pool.js';

/** Ready when at least one replica of the upstream answers its /health. */
export function upstreamHealthCheck(pool: UpstreamPool, timeoutMs = 1000): ReadinessCheck {
  return async () => {
    const results = await Promise.allSettled(
      pool.targets.map(async (target) => {
        const response = await fetch(new URL('/health', target), { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`${target} answered ${response.status}`);
      }),
    );
    if (!results.some((result) => result.status === 'fulfilled')) {
      throw new Error(`no healthy replica of ${pool.name} (${pool.targets.length} tried)`);
    }
  };
}
