import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@tablestack/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteMailsTo,
  dropNamespace,
  finishedJob,
  mailsTo,
  outboxRoutes,
  startRuntime,
} from '../../test/harness.js';
import { eventually, openDatabase, sleep, uniqueId } from '../../test/support.js';
import { filesSchedules } from '../files/files-schedulers.js';
import { cleanupSchedules } from './cleanup-schedulers.js';
import { HEALTH_SNAPSHOT_KEY } from './health-snapshot.js';

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
    const patterns = Object.fromEntries(schedulers.map((scheduler) => [scheduler.key, scheduler.pattern]));
    expect(patterns).toEqual({
      'expired-refresh-tokens': '0 * * * *',
      'old-jobs': '0 * * * *',
      'database-backup': '0 3 * * *',
      'daily-report': '0 7 * * *',
      'health-snapshot': '*/5 * * * *',
    });
    for (const scheduler of schedulers) expect(scheduler.name).toBe(scheduler.key);
    // One upcoming run per schedule, not one per worker.
    expect(await queue.getDelayedCount()).toBe(5);
    const files = harnesses[0]!.runtime.queues.get('files');
    const fileSchedulers = await files.getJobSchedulers();
    expect(fileSchedulers.map((scheduler) => scheduler.key)).toEqual([...filesSchedules]);
    expect(fileSchedulers[0]).toMatchObject({ pattern: '30 * * * *', name: 'orphaned-files' });
    expect(await files.getDelayedCount()).toBe(1);

    // A restarted worker upserts again: still one of each.
    const restarted = startRuntime(db, { namespace, env });
    cleanups.push(restarted.close);
    await restarted.runtime.schedulersDefined();
    expect(await queue.getJobSchedulersCount()).toBe(5);
    expect(await queue.getDelayedCount()).toBe(5);
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

  it('database-backup writes a complete pg_dump, keeps the newest BACKUP_KEEP and removes stale partials', async () => {
    const namespace = uniqueId('backup');
    const dir = await mkdtemp(join(tmpdir(), 'worker-backups-it-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stale = join(dir, 'tablestack-20200101T000000000Z.dump.partial');
    await writeFile(stale, 'a run that died');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    await utimes(stale, twoDaysAgo, twoDaysAgo);
    const harness = startRuntime(db, {
      namespace,
      env: { WORKER_QUEUES: 'cleanup', OUTBOX_RELAY_ENABLED: 'false', BACKUP_DIR: dir, BACKUP_KEEP: '2' },
    });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const queue = harness.runtime.queues.get('cleanup');
    const files: string[] = [];
    for (let run = 0; run < 3; run++) {
      const job = await queue.add('database-backup', {});
      const done = await finishedJob(queue, job.id!, undefined, 120_000);
      expect(done.failedReason).toBeUndefined();
      files.push(done.returnvalue.file);
      expect(done.returnvalue.sizeBytes).toBeGreaterThan(1000);
    }
    expect((await readdir(dir)).sort()).toEqual(files.slice(1).sort());
    // pg_dump's custom format starts with PGDMP; a dump that is there is whole (renamed at the end).
    const head = (await readFile(join(dir, files[2]!))).subarray(0, 5).toString('latin1');
    expect(head).toBe('PGDMP');
  }, 240_000);

  it('database-backup fails with the reason when pg_dump cannot run, and leaves no file', async () => {
    const namespace = uniqueId('backup-fails');
    const dir = await mkdtemp(join(tmpdir(), 'worker-backups-it-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const harness = startRuntime(db, {
      namespace,
      env: {
        WORKER_QUEUES: 'cleanup',
        OUTBOX_RELAY_ENABLED: 'false',
        BACKUP_DIR: dir,
        PG_DUMP_PATH: '/nonexistent/pg_dump',
      },
      policies: { cleanup: { attempts: 1, backoff: { baseMs: 100, maxMs: 100 } } },
    });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const queue = harness.runtime.queues.get('cleanup');
    const job = await queue.add('database-backup', {});
    const failed = await finishedJob(queue, job.id!, (found) => found.isFailed());
    expect(failed.failedReason).toMatch(/pg_dump could not start \(\/nonexistent\/pg_dump\)/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('daily-report emails each admin once a day, however often it runs', async () => {
    const namespace = uniqueId('report');
    const harness = startRuntime(db, {
      namespace,
      env: { WORKER_QUEUES: 'cleanup', OUTBOX_RELAY_ENABLED: 'false' },
    });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const email = `${namespace}@example.com`;
    const admin = await db.primary().user.create({
      data: { email, name: 'Admin', passwordHash: 'x', role: 'ADMIN' },
      select: { id: true },
    });
    cleanups.push(
      () => deleteMailsTo(email),
      () => db.primary().user.delete({ where: { id: admin.id } }),
    );
    const queue = harness.runtime.queues.get('cleanup');
    const first = await finishedJob(queue, (await queue.add('daily-report', {})).id!);
    expect(first.returnvalue.sent).toBeGreaterThanOrEqual(1);
    expect(first.returnvalue.stats.newUsers).toBeGreaterThanOrEqual(1);
    const [mail] = await eventually(
      'the report in maildev',
      async () => (await mailsTo(email)).length > 0 && mailsTo(email),
    );
    expect(mail!.subject).toBe(`Tablestack daily report ${first.returnvalue.date}`);
    expect(mail!.text).toMatch(/New users: \d+/);

    const second = await finishedJob(queue, (await queue.add('daily-report', {})).id!);
    expect(second.returnvalue.alreadySent).toBeGreaterThanOrEqual(1);
    await sleep(500);
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('health-snapshot records Postgres, Redis and the queue backlogs as the latest snapshot', async () => {
    const namespace = uniqueId('health');
    const harness = startRuntime(db, {
      namespace,
      env: { WORKER_QUEUES: 'cleanup', OUTBOX_RELAY_ENABLED: 'false' },
    });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const queue = harness.runtime.queues.get('cleanup');
    const done = await finishedJob(queue, (await queue.add('health-snapshot', {})).id!);
    expect(done.returnvalue).toMatchObject({ healthy: true, postgres: { ok: true }, redis: { ok: true } });
    expect(Object.keys(done.returnvalue.queues).sort()).toEqual([
      'cleanup',
      'email',
      'files',
      'notifications',
      'sms',
    ]);
    const stored = JSON.parse((await harness.redis.command.get(HEALTH_SNAPSHOT_KEY)) ?? '{}');
    expect(stored).toEqual(done.returnvalue);
  });
});
