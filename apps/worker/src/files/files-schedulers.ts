import type { JobName } from '@tablestack/jobs';
import type { JobsOptions, Queue } from 'bullmq';

/** The files queue's schedules: scheduler id = job name, one of each per Redis, however many workers. */
export const filesSchedules: ReadonlyArray<JobName<'files'>> = ['orphaned-files'];

/** Defines (or updates) the files schedulers; an upsert by id, so every replica may call it at boot. */
export async function defineFilesSchedulers(queue: Queue, cron: string, opts: JobsOptions): Promise<void> {
  for (const name of filesSchedules)
    await queue.upsertJobScheduler(name, { pattern: cron }, { name, data: {}, opts });
}
