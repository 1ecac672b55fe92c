import type { Database } from '@tablestack/db';
import type { Queue } from 'bullmq';

export interface CleanupDeps {
  db: Pick<Database, 'write'>;
  /** Every queue whose finished jobs are cleaned. */
  queues: () => Queue[];
  completedRetentionMs: number;
  failedRetentionMs: number;
  outboxSentRetentionMs: number;
  /** Rows or jobs removed per statement, so no run holds long locks. @default 5000 */
  batchSize?: number;
}

/** Repeats a batch until it removes less than a full batch (bounded, in case rows keep arriving). */
async function inBatches(batchSize: number, removeBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let round = 0; round < 1000; round++) {
    const removed = await removeBatch();
    total += removed;
    if (removed < batchSize) break;
  }
  return total;
}

/** The scheduled housekeeping jobs of the cleanup queue. */
export function createCleanupProcessor(deps: CleanupDeps) {
  const batchSize = deps.batchSize ?? 5000;
  return {
    /** Refresh tokens past their expiry can never be used again (reuse detection included). */
    async expiredRefreshTokens(): Promise<{ deleted: number }> {
      const deleted = await inBatches(
        batchSize,
        () =>
          deps.db.write().$executeRaw`
          DELETE FROM refresh_tokens WHERE id IN (
            SELECT id FROM refresh_tokens WHERE expires_at < now() LIMIT ${batchSize})`,
      );
      return { deleted };
    },

    /** Finished jobs past their retention in every queue, and SENT outbox rows past theirs. */
    async oldJobs(): Promise<{ completed: number; failed: number; outbox: number }> {
      let completed = 0;
      let failed = 0;
      for (const queue of deps.queues()) {
        completed += await inBatches(
          batchSize,
          async () => (await queue.clean(deps.completedRetentionMs, batchSize, 'completed')).length,
        );
        failed += await inBatches(
          batchSize,
          async () => (await queue.clean(deps.failedRetentionMs, batchSize, 'failed')).length,
        );
      }
      const seconds = deps.outboxSentRetentionMs / 1000;
      const outbox = await inBatches(
        batchSize,
        () =>
          deps.db.write().$executeRaw`
          DELETE FROM outbox WHERE id IN (
            SELECT id FROM outbox
            WHERE status = 'SENT' AND sent_at < now() - ${seconds} * interval '1 second'
            LIMIT ${batchSize})`,
      );
      return { completed, failed, outbox };
    },
  };
}
