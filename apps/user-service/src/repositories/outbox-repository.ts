import type { DbTransaction } from '@tablestack/db';

/** A job to hand to a queue once the transaction that wrote it has committed. */
export interface OutboxMessage {
  queue: string;
  jobName: string;
  payload: Record<string, string | number | boolean | null>;
}

/**
 * The transactional outbox (table outbox): a job is written in the same transaction as the change it
 * reports, so it exists exactly when the change does, whether or not Redis is up. The worker relays
 * pending rows to BullMQ.
 */
export class OutboxRepository {
  async add(tx: DbTransaction, message: OutboxMessage): Promise<void> {
    await tx.outbox.create({ data: message, select: { id: true } });
  }
}
