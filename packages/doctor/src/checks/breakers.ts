import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';
import { type ReplicaMetrics, samplesOf } from '../stack-snapshot.js';

const STATES = ['closed', 'half-open', 'open'] as const;

/** Every gateway replica's breaker for every upstream replica is closed; half-open warns, open fails. */
export function evaluateBreakers(replicas: readonly ReplicaMetrics[]): CheckResult {
  const statuses: CheckStatus[] = [];
  const details: string[] = [];
  let breakers = 0;
  let closed = 0;
  for (const replica of replicas.filter((candidate) => candidate.app === 'gateway')) {
    if (!replica.samples) {
      statuses.push('fail');
      details.push(`gateway ${replica.url}: no metrics (${replica.error ?? 'no answer'})`);
      continue;
    }
    for (const sample of samplesOf(replica, 'gateway_upstream_breaker_state')) {
      breakers += 1;
      const state = STATES[sample.value] ?? 'open';
      if (state === 'closed') {
        closed += 1;
        continue;
      }
      statuses.push(state === 'open' ? 'fail' : 'warn');
      details.push(`gateway ${replica.url} -> ${sample.labels.upstream} ${sample.labels.target}: ${state}`);
    }
  }
  if (breakers === 0) {
    statuses.push('fail');
    details.push('no gateway reports gateway_upstream_breaker_state');
  }
  details.unshift(`${closed} of ${breakers} breakers closed`);
  return { id: 'breakers', title: 'circuit breakers closed', status: worst(statuses), details };
}

export async function checkBreakers(context: DoctorContext): Promise<CheckResult> {
  return evaluateBreakers(context.replicas);
}
