import { z } from 'zod';
import { InvalidJobError } from './invalid-job-error.js';
import { type JobName, type JobPayload, jobSchemas } from './job-schemas.js';
import { isQueueName, type QueueName } from './queue-names.js';

/** Largest payload accepted, as JSON. Payloads carry ids, not documents. */
export const MAX_PAYLOAD_BYTES = 4096;

/** True when the queue exists and has a job of this name. */
export function isKnownJob(queue: string, jobName: string): boolean {
  return isQueueName(queue) && Object.hasOwn(jobSchemas[queue], jobName);
}

/**
 * Validates a payload against its schema and returns the parsed value (unknown fields stripped).
 * Throws `InvalidJobError` for an unknown queue or job name, a payload that does not match, or one
 * larger than `MAX_PAYLOAD_BYTES`.
 */
export function parseJob<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  jobName: N,
  payload: unknown,
): JobPayload<Q, N>;
export function parseJob(queue: string, jobName: string, payload: unknown): unknown;
export function parseJob(queue: string, jobName: string, payload: unknown): unknown {
  if (!isQueueName(queue)) throw new InvalidJobError(queue, jobName, 'unknown queue');
  if (!isKnownJob(queue, jobName)) throw new InvalidJobError(queue, jobName, 'unknown job name');
  const schema = (jobSchemas[queue] as Record<string, z.ZodType>)[jobName]!;
  const result = schema.safeParse(payload);
  if (!result.success)
    throw new InvalidJobError(queue, jobName, z.prettifyError(result.error), result.error.issues);
  checkPayloadSize(queue, jobName, result.data);
  return result.data;
}

/** Throws `InvalidJobError` when the payload's JSON is larger than `MAX_PAYLOAD_BYTES`. */
export function checkPayloadSize(queue: string, jobName: string, payload: unknown): void {
  const size = Buffer.byteLength(JSON.stringify(payload) ?? '');
  if (size > MAX_PAYLOAD_BYTES)
    throw new InvalidJobError(queue, jobName, `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
}
