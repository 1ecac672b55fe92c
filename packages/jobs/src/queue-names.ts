/**
 * Every BullMQ queue of Tablestack. A queue groups jobs that share a worker pool, a concurrency and a
 * retry policy; the job name inside a queue picks the processor.
 */
export const queueNames = ['email', 'sms', 'notifications', 'files', 'cleanup'] as const;

export type QueueName = (typeof queueNames)[number];

export function isQueueName(value: string): value is QueueName {
  return (queueNames as readonly string[]).includes(value);
}
