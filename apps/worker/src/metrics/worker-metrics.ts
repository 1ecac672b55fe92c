import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** States whose job counts /metrics shows. */
export const countedStates = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/** Something that can count jobs per state (a BullMQ Queue). */
export interface CountableQueue {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

export interface WorkerMetricsOptions {
  registry: Registry;
  /** Queues whose counts the gauge reports on each scrape. */
  queues: () => CountableQueue[];
  /** Bound of reading the counts during a scrape, so /metrics answers while Redis is down. @default 1000 */
  scrapeTimeoutMs?: number;
}

/**
 * The worker's metrics: job counts per queue and state (read from Redis at scrape time, bounded),
 * job durations, and outbox relay outcomes. Counts are global per queue, so every replica reports the
 * same values: aggregate them with max(), not sum().
 */
export class WorkerMetrics {
  readonly jobDuration: Histogram<'queue' | 'name' | 'status'>;
  readonly outboxRows: Counter<'result'>;
  readonly jobCounts: Gauge<'queue' | 'state'>;

  constructor(options: WorkerMetricsOptions) {
    const { registry } = options;
    const timeoutMs = options.scrapeTimeoutMs ?? 1000;
    this.jobDuration = new Histogram({
      name: 'bullmq_job_duration_seconds',
      help: 'Time from a job run starting to it completing or failing, per queue, job name and outcome',
      labelNames: ['queue', 'name', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.outboxRows = new Counter({
      name: 'outbox_relayed_rows_total',
      help: 'Outbox rows handled by the relay: sent (published), retried (publish failed) or invalid (FAILED)',
      labelNames: ['result'],
      registers: [registry],
    });
    this.jobCounts = new Gauge({
      name: 'bullmq_jobs',
      help: 'Jobs per queue and state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        try {
          const all = await withTimeout(
            Promise.all(
              options.queues().map(async (queue) => ({
                queue: queue.name,
                counts: await queue.getJobCounts(...countedStates),
              })),
            ),
            timeoutMs,
          );
          for (const { queue, counts } of all)
            for (const state of countedStates) this.set({ queue, state }, counts[state] ?? 0);
        } catch {
          // Redis unreachable: report nothing rather than stale counts.
          this.reset();
        }
      },
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
