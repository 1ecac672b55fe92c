import type { QueueName } from '@tablestack/jobs';
import type { DefaultJobOptions } from 'bullmq';
import { type BackoffPolicy, JITTERED_BACKOFF } from '../backoff.js';

/** How the jobs of one queue are retried. */
export interface QueuePolicy {
  /** Runs of a job before it lands in the failed set (the first run included). */
  attempts: number;
  /** Delay between runs: jittered exponential (see backoff.ts). */
  backoff: BackoffPolicy;
}

/**
 * Retry policies per queue. Email retries long enough to ride out an SMTP outage of about an hour;
 * notifications are cheap and local; cleanup runs again at the next hour anyway.
 */
export const defaultQueuePolicies: Record<QueueName, QueuePolicy> = {
  email: { attempts: 10, backoff: { baseMs: 2000, maxMs: 15 * 60_000 } },
  sms: { attempts: 6, backoff: { baseMs: 5000, maxMs: 15 * 60_000 } },
  notifications: { attempts: 6, backoff: { baseMs: 1000, maxMs: 60_000 } },
  files: { attempts: 4, backoff: { baseMs: 5000, maxMs: 5 * 60_000 } },
  cleanup: { attempts: 3, backoff: { baseMs: 30_000, maxMs: 10 * 60_000 } },
};

export interface Retention {
  /** Completed jobs older than this are removed. */
  completedMs: number;
  /** Failed jobs (the dead-letter view) older than this are removed. */
  failedMs: number;
}

/** Options every job of the queue gets when the relay or a scheduler adds it. */
export function jobOptionsFor(policy: QueuePolicy, retention: Retention): DefaultJobOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: JITTERED_BACKOFF, delay: policy.backoff.baseMs },
    // Ages in seconds for BullMQ. Failed jobs are kept (for replay) far longer than completed ones.
    removeOnComplete: { age: Math.ceil(retention.completedMs / 1000) },
    removeOnFail: { age: Math.ceil(retention.failedMs / 1000) },
  };
}
