import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';
import { type ReplicaMetrics, samplesOf } from '../stack-snapshot.js';

/** Job counts per queue and state; every worker replica reports the same global counts, so max(). */
export function queueCounts(replicas: readonly ReplicaMetrics[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const replica of replicas.filter((candidate) => candidate.app === 'worker'))
    for (const sample of samplesOf(replica, 'bullmq_jobs')) {
      const queue = sample.labels.queue ?? '?';
      const states = counts.get(queue) ?? new Map<string, number>();
      const state = sample.labels.state ?? '?';
      states.set(state, Math.max(states.get(state) ?? 0, sample.value));
      counts.set(queue, states);
    }
  return counts;
}

/**
 * Queues draining: BullMQ counts (the worker's `bullmq_jobs`) sampled twice. Waiting jobs that did
 * not go down while nothing is active fail (no worker takes them); a growing backlog and failed jobs
 * warn; so do outbox rows past due that the relay has not published yet.
 */
export function evaluateQueues(
  first: Map<string, Map<string, number>>,
  second: Map<string, Map<string, number>>,
  outboxOverdue: number,
): CheckResult {
  const statuses: CheckStatus[] = [];
  const details: string[] = [];
  if (second.size === 0) {
    return {
      id: 'queues',
      title: 'queues draining',
      status: 'fail',
      details: ['no worker reports bullmq_jobs (worker down, or Redis unreachable from it)'],
    };
  }
  for (const [queue, states] of [...second].sort(([a], [b]) => a.localeCompare(b))) {
    const waiting = states.get('waiting') ?? 0;
    const active = states.get('active') ?? 0;
    const failed = states.get('failed') ?? 0;
    const before = first.get(queue)?.get('waiting') ?? 0;
    let line = `${queue}: ${waiting} waiting, ${active} active, ${states.get('delayed') ?? 0} delayed, ${failed} failed`;
    if (waiting > 0 && waiting >= before && active === 0) {
      statuses.push('fail');
      line += ' (stuck: nothing active and the backlog did not shrink)';
    } else if (waiting > before) {
      statuses.push('warn');
      line += ` (backlog growing: was ${before})`;
    }
    if (failed > 0) statuses.push('warn');
    details.push(line);
  }
  if (outboxOverdue > 0) {
    statuses.push('warn');
    details.push(`${outboxOverdue} outbox row(s) pending for more than 30 s past their time (relay behind)`);
  }
  return { id: 'queues', title: 'queues draining', status: worst(statuses), details };
}

export async function checkQueues(context: DoctorContext): Promise<CheckResult> {
  const first = queueCounts(context.replicas);
  await new Promise((resolve) => setTimeout(resolve, context.env.DOCTOR_QUEUE_SAMPLE_MS));
  const second = queueCounts(await context.rescrape());
  const { rows } = await context.primary.query<{ overdue: number }>(
    `select count(*)::int as overdue from outbox where status = 'PENDING' and available_at < now() - interval '30 seconds'`,
  );
  return evaluateQueues(first, second, rows[0]?.overdue ?? 0);
}
