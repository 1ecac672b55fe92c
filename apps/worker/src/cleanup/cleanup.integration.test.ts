import type { Database } from '@tablestack/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropNamespace, finishedJob, outboxRoutes, startRuntime } from '../../test/harness.js';
import { openDatabase, sleep, uniqueId } from '../../test/support.js';
import { filesSchedules } from '../files/files-schedulers.js';
import { cleanupSchedules } from './cleanup-schedulers.js';

const db: Database = openDatabase();
const cleanups: Array<() => Promise<unknown>> = [];
const DAY = 24 * 3_600_000;

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => db.close());

describe('cleanup queue against real Postgres and Redis', () => {
  beforeAll(() => db.health());

  it('three workers starting at once leave each scheduler defined once', async () => {
    const namespace = uniqueId('schedulers');
    cleanups.push(() => dropNamespace(db, namespace));
    const env = { WORKER_QUEUES: 'cleanup,files', OUTBOX_RELAY_ENABLED: 'false' };
    const harnesses = [1, 2, 3].map(() => startRuntime(db, { namespace, env }));
    cleanups.push(() => Promise.all(harnesses.map((harness) => harness.close())));
    await Promise.all(harnesses.map((harness) => harness.runtime.schedulersDefined()));

    const queue = harnesses[0]!.runtime.queues.get('cleanup');
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual([...cleanupSchedules].sort());
    for (const scheduler of schedulers)
      expect(scheduler).toMatchObject({ pattern: '0 * * * *', name: scheduler.key });
    // One upcoming run per schedule, not one per worker.
    expect(await queue.getDelayedCount()).toBe(2);
    const files = harnesses[0]!.runtime.queues.get('files');
    const fileSchedulers = await files.getJobSchedulers();
    expect(fileSchedulers.map((scheduler) => scheduler.key)).toEqual([...filesSchedules]);
    expect(fileSchedulers[0]).toMatchObject({ pattern: '30 * * * *', name: 'orphaned-files' });
    expect(await files.getDelayedCount()).toBe(1);

    // A restarted worker upserts again: still one of each.
    const restarted = startRuntime(db, { namespace, env });
    cleanups.push(restarted.close);
    await restarted.runtime.schedulersDefined();
    expect(await queue.getJobSchedulersCount()).toBe(2);
    expect(await queue.getDelayedCount()).toBe(2);
    expect(await files.getJobSchedulersCount()).toBe(1);
    expect(await files.getDelayedCount()).toBe(1);
  });

  it('expired-refresh-tokens deletes expired tokens and keeps live ones', async () => {
    const namespace = uniqueId('tokens');
    const harness = startRuntime(db, {
      namespace,
      env: { WORKER_QUEUES: 'cleanup', OUTBOX_RELAY_ENABLED: 'false' },
    });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const user = await db.primary().user.create({
      data: { email: `${namespace}@example.com`, name: 'T', passwordHash: 'x' },
      select: { id: true },
    });
    cleanups.push(() => db.primary().user.delete({ where: { id: user.id } }));
    const token = (hash: string, expiresAt: Date) => ({
      userId: user.id,
      familyId: user.id,
      tokenHash: `${namespace}-${hash}`,
      expiresAt,
    });
    await db.primary().refreshToken.createMany({
      data: [token('expired', new Date(Date.now() - 60_000)), token('live', new Date(Date.now() + DAY))],
    });

    const queue = harness.runtime.queues.get('cleanup');
    const job = await queue.add('expired-refresh-tokens', {});
    const done = await finishedJob(queue, job.id!);
    expect(done.returnvalue.deleted).toBeGreaterThanOrEqual(1);
    const left = await db
      .primary()
      .refreshToken.findMany({ where: { userId: user.id }, select: { tokenHash: true } });
    expect(left).toEqual([{ tokenHash: `${namespace}-live` }]);
  });

  it('old-jobs removes failed jobs and SENT outbox rows past their retention, and keeps newer ones', async () => {
    const namespace = uniqueId('old-jobs');
    const harness = startRuntime(db, {
      namespace,
      // Failed jobs are kept about 1.7 s here, SENT outbox rows 7 days.
      env: {
        WORKER_QUEUES: 'notifications,cleanup',
        OUTBOX_RELAY_ENABLED: 'false',
        JOBS_FAILED_RETENTION_DAYS: '0.00002',
      },
    });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const notifications = harness.runtime.queues.get('notifications');
    const bad = await notifications.add('review-created', { reviewId: 'not-an-id' });
    await finishedJob(notifications, bad.id!, (job) => job.isFailed());
    const route = outboxRoutes(namespace).email;
    const payload = { userId: namespace, email: 'x@example.com', name: 'X' };
    const old = await db.primary().outbox.create({
      data: {
        queue: route,
        jobName: 'welcome',
        payload,
        status: 'SENT',
        sentAt: new Date(Date.now() - 8 * DAY),
      },
    });
    const recent = await db.primary().outbox.create({
      data: { queue: route, jobName: 'welcome', payload, status: 'SENT', sentAt: new Date() },
    });
    await sleep(2000);

    const cleanup = harness.runtime.queues.get('cleanup');
    const job = await cleanup.add('old-jobs', {});
    const done = await finishedJob(cleanup, job.id!);
    expect(done.returnvalue).toMatchObject({ failed: 1 });
    expect(done.returnvalue.outbox).toBeGreaterThanOrEqual(1);
    expect(await notifications.getJob(bad.id!)).toBeUndefined();
    expect(await db.primary().outbox.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.primary().outbox.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });
});
