import { type QueueName, queueNames } from '@tablestack/jobs';
import type { RedisClient } from '@tablestack/redis-client';
import { Queue } from 'bullmq';
import { jobOptionsFor, type QueuePolicy, type Retention } from './queue-policy.js';

export interface QueueSetOptions {
  connection: RedisClient;
  prefix: string;
  policies: Record<QueueName, QueuePolicy>;
  retention: Retention;
  /** Called on a queue's 'error' event (BullMQ would otherwise throw it). */
  onError: (queue: QueueName, error: Error) => void;
}

/**
 * One BullMQ Queue (producer side) per queue name, all on the process's shared `queue` connection.
 * The relay publishes through them, schedulers are defined on them, metrics and bull-board read them.
 */
export class QueueSet {
  readonly #queues: Map<QueueName, Queue>;

  constructor(options: QueueSetOptions) {
    this.#queues = new Map(
      queueNames.map((name) => {
        const queue = new Queue(name, {
          connection: options.connection,
          prefix: options.prefix,
          defaultJobOptions: jobOptionsFor(options.policies[name], options.retention),
        });
        queue.on('error', (error) => options.onError(name, error));
        return [name, queue] as const;
      }),
    );
  }

  get(name: QueueName): Queue {
    return this.#queues.get(name)!;
  }

  all(): Queue[] {
    return [...this.#queues.values()];
  }

  /** Closes every queue; the shared connection stays open (RedisConnections closes it). */
  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
  }
}
