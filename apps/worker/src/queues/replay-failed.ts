import type { Queue } from 'bullmq';

export interface ReplayResult {
  queue: string;
  /** Ids of the jobs moved back to waiting, with fresh attempts. */
  jobIds: string[];
}

/**
 * Moves failed jobs (oldest first, at most `limit`) back to waiting with their attempt counters reset,
 * so each gets its full retry policy again. A job that left the failed set meanwhile (replayed by
 * someone else, or removed by the cleanup) is skipped.
 */
export async function replayFailed(queue: Queue, limit: number): Promise<ReplayResult> {
  const jobs = await queue.getFailed(0, limit - 1);
  const jobIds: string[] = [];
  for (const job of jobs) {
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      jobIds.push(job.id!);
    } catch {
      // Not in the failed set any more.
    }
  }
  return { queue: queue.name, jobIds };
}
