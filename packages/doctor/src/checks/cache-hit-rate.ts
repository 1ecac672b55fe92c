import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';
import { type ReplicaMetrics, samplesOf } from '../stack-snapshot.js';

export interface CacheThresholds {
  minHitRate: number;
  minLookups: number;
}

/**
 * Hit rate per cache namespace, summed over every replica's `cache_events_total`: under the
 * threshold (70%, the alert users asked for) warns once a namespace has had enough lookups to judge;
 * L2 (Redis) errors warn.
 */
export function evaluateCacheHitRates(
  replicas: readonly ReplicaMetrics[],
  thresholds: CacheThresholds,
): CheckResult {
  const events = new Map<string, Map<string, number>>();
  for (const replica of replicas)
    for (const sample of samplesOf(replica, 'cache_events_total')) {
      const namespace = sample.labels.namespace ?? '?';
      const counts = events.get(namespace) ?? new Map<string, number>();
      const event = sample.labels.event ?? '?';
      counts.set(event, (counts.get(event) ?? 0) + sample.value);
      events.set(namespace, counts);
    }
  const statuses: CheckStatus[] = [];
  const details: string[] = [];
  let judged = 0;
  for (const [namespace, counts] of [...events].sort(([a], [b]) => a.localeCompare(b))) {
    const hits = (counts.get('l1_hit') ?? 0) + (counts.get('l2_hit') ?? 0);
    const lookups = hits + (counts.get('miss') ?? 0);
    const l2Errors = counts.get('l2_error') ?? 0;
    if (lookups === 0) continue;
    const rate = hits / lookups;
    let line = `${namespace}: ${Math.round(rate * 100)}% of ${lookups} lookups`;
    if (lookups >= thresholds.minLookups) {
      judged += 1;
      if (rate < thresholds.minHitRate) {
        statuses.push('warn');
        line += ` (under ${Math.round(thresholds.minHitRate * 100)}%)`;
      }
    } else line += ' (too few to judge)';
    if (l2Errors > 0) {
      statuses.push('warn');
      line += `, ${l2Errors} L2 errors`;
    }
    details.push(line);
  }
  if (judged === 0) {
    statuses.push('warn');
    details.unshift(`no namespace has ${thresholds.minLookups} lookups yet: not enough traffic to judge`);
  }
  return { id: 'cache-hit-rate', title: 'cache hit rates', status: worst(statuses), details };
}

export async function checkCacheHitRates(context: DoctorContext): Promise<CheckResult> {
  return evaluateCacheHitRates(context.replicas, {
    minHitRate: context.env.DOCTOR_MIN_CACHE_HIT_RATE,
    minLookups: context.env.DOCTOR_MIN_CACHE_LOOKUPS,
  });
}
