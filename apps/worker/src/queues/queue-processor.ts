import { InvalidJobError, parseJob, type QueueName } from '@tablestack/jobs';
import { type Job, UnrecoverableError } from 'bullmq';

/** Runs one job of a queue with its parsed payload. */
export type JobHandler = (job: Job, name: string, payload: unknown) => Promise<unknown>;

/**
 * The BullMQ processor of a queue: validates the payload against the shared schema and dispatches by
 * job name. A payload or name that does not match can never succeed, so it fails the job at once
 * (UnrecoverableError: no retries) and leaves it in the failed set to inspect.
 */
export function createQueueProcessor(queue: QueueName, handlers: Record<string, JobHandler>) {
  return async (job: Job): Promise<unknown> => {
    let payload: unknown;
    try {
      payload = parseJob(queue, job.name, job.data);
    } catch (error) {
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
    const handler = handlers[job.name];
    if (!handler) throw new UnrecoverableError(`no handler for ${queue}/${job.name} in this worker`);
    return handler(job, job.name, payload);
  };
}
