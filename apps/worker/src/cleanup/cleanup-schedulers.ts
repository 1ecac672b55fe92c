import type { JobName } from '@tablestack/jobs';
import type { JobsOptions, Queue } from 'bullmq';

/** The cleanup queue's schedules: scheduler id = job name, one of each per Redis, however many workers. */
export const cleanupSchedules: ReadonlyArray<JobName<'cleanup'>> = [
  'expired-refresh-tokens',
  'old-jobs',
  'database-backup',
  'daily-report',
  'health-snapshot',
];

/** Cron pattern of each cleanup schedule (from env: CLEANUP_CRON, BACKUP_CRON, ...). */
export type CleanupCrons = Record<JobName<'cleanup'>, string>;

/**
 * Defines (or updates) the cleanup schedulers. `upsertJobScheduler` is keyed by the scheduler id,
 * so every worker replica can call this at boot and Redis still holds one scheduler per schedule,
 * with one pending job each.
 */
export async function defineCleanupSchedulers(
  queue: Queue,
  crons: CleanupCrons,
  opts: JobsOptions,
): Promise<void> {
  for (const name of cleanupSchedules) {
    await queue.upsertJobScheduler(name, { pattern: crons[name] }, { name, data: {}, opts });
  }
}
