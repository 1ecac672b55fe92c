import type { DbTransaction } from '@tablestack/db';
import type { JobName, JobPayload } from './job-schemas.js';
import { parseJob } from './parse-job.js';
import type { QueueName } from './queue-names.js';

/** What `enqueueOutbox` needs of a transaction client (a `DbTransaction` from `db.transaction`). */
export type OutboxTransaction = Pick<DbTransaction, 'outbox'>;

export interface EnqueueOptions {
  /** Do not publish before this time (a delayed job). @default now */
  availableAt?: Date;
}

/**
 * Writes a job to the transactional outbox inside the caller's transaction, so the job exists exactly
 * when the business change commits, whether or not Redis is up. The worker's relay publishes it to
 * BullMQ with the outbox id as job id. The payload is validated first (`InvalidJobError`, nothing
 * written) and stored as parsed, so fields outside the schema never reach the queue.
 *
 * @returns the outbox id, which becomes the BullMQ job id
 */
export async function enqueueOutbox<Q extends QueueName, N extends JobName<Q>>(
  tx: OutboxTransaction,
  queue: Q,
  jobName: N,
  payload: JobPayload<Q, N>,
  options: EnqueueOptions = {},
): Promise<string> {
  const data = parseJob(queue, jobName, payload) as Record<string, unknown>;
  const row = await tx.outbox.create({
    data: {
      queue,
      jobName,
      // Parsed payloads are plain JSON (strings, numbers, booleans, nested objects).
      payload: data as never,
      ...(options.availableAt ? { availableAt: options.availableAt } : {}),
    },
    select: { id: true },
  });
  return row.id;
}
