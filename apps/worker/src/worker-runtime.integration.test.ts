import type { Database } from '@tablestack/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addOutboxRow, dropNamespace, finishedJob, serve, startRuntime } from '../test/harness.js';
import { eventually, openDatabase, uniqueId } from '../test/support.js';
import type { Mailer, MailMessage } from './email/mailer.js';

const db: Database = openDatabase();
const userId = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => db.close());

/** A mailer whose sends wait until the test lets them go. */
function heldMailer() {
  const started: MailMessage[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const mailer: Mailer = {
    async send(message) {
      started.push(message);
      await gate;
      return { messageId: `<held-${started.length}@test>` };
    },
    async close() {},
  };
  return { mailer, started, release };
}

describe('WorkerRuntime', () => {
  beforeAll(() => db.health());

  it("takes each queue's concurrency from the env", async () => {
    const namespace = uniqueId('concurrency');
    const harness = startRuntime(db, {
      namespace,
      env: {
        WORKER_CONCURRENCY_EMAIL: '7',
        WORKER_CONCURRENCY_NOTIFICATIONS: '3',
        WORKER_CONCURRENCY_FILES: '4',
        OUTBOX_RELAY_ENABLED: 'false',
      },
    });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    expect(harness.runtime.workers.get('email')!.concurrency).toBe(7);
    expect(harness.runtime.workers.get('notifications')!.concurrency).toBe(3);
    expect(harness.runtime.workers.get('files')!.concurrency).toBe(4);
    expect(harness.runtime.workers.get('cleanup')!.concurrency).toBe(1);
    // sms is consumed only when listed (it needs the provider's settings).
    expect([...harness.runtime.workers.keys()]).toEqual(['email', 'notifications', 'files', 'cleanup']);
  });

  it('shows job counts per queue and state and job durations on /metrics', async () => {
    const namespace = uniqueId('metrics');
    const harness = startRuntime(db, { namespace, env: { WORKER_QUEUES: 'notifications' } });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const http = await serve(harness);
    cleanups.push(http.close);
    const id = await addOutboxRow(db, namespace, 'notifications', 'review-created', {
      reviewId: '00000000-0000-4000-8000-000000000000',
      restaurantId: userId,
      userId,
    });
    await finishedJob(harness.runtime.queues.get('notifications'), id);
    // A job nobody consumes in this runtime stays waiting.
    await harness.runtime.queues.get('email').add('welcome', { userId, email: 'w@example.com', name: 'W' });

    const text = await (await fetch(`${http.url}/metrics`)).text();
    // Every series also carries service="worker" (the registry's default label).
    expect(text).toMatch(/bullmq_jobs\{queue="notifications",state="completed",[^}]*\} 1\n/);
    expect(text).toMatch(/bullmq_jobs\{queue="email",state="waiting",[^}]*\} 1\n/);
    expect(text).toMatch(/bullmq_jobs\{queue="email",state="failed",[^}]*\} 0\n/);
    expect(text).toMatch(
      /bullmq_job_duration_seconds_count\{[^}]*queue="notifications",name="review-created",status="completed"\} 1\n/,
    );
    expect(text).toMatch(/outbox_relayed_rows_total\{result="sent",[^}]*\} 1\n/);
  });

  it('on close lets an active job finish before the workers stop', async () => {
    const namespace = uniqueId('drain');
    const held = heldMailer();
    const harness = startRuntime(db, {
      namespace,
      mailer: held.mailer,
      env: { WORKER_QUEUES: 'email', WORKER_CLOSE_TIMEOUT_MS: '10000' },
    });
    cleanups.push(() => dropNamespace(db, namespace));
    const queue = harness.runtime.queues.get('email');
    const job = await queue.add('welcome', { userId, email: 'drain@example.com', name: 'D' });
    await eventually('the send to start', () => held.started.length === 1);

    let closed = false;
    const closing = harness.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    held.release();
    await closing;
    // Read through a fresh runtime's queue: the closed one has no connection any more.
    const reader = startRuntime(db, {
      namespace,
      env: { WORKER_QUEUES: 'cleanup', OUTBOX_RELAY_ENABLED: 'false' },
    });
    cleanups.push(reader.close);
    const done = await finishedJob(reader.runtime.queues.get('email'), job.id!);
    expect(done.returnvalue).toEqual({ sent: true, messageId: '<held-1@test>' });
  });

  it('closes by force after WORKER_CLOSE_TIMEOUT_MS; another worker takes the stalled job over', async () => {
    const namespace = uniqueId('force');
    const stuck = heldMailer();
    const first = startRuntime(db, {
      namespace,
      mailer: stuck.mailer,
      env: {
        WORKER_QUEUES: 'email',
        WORKER_CLOSE_TIMEOUT_MS: '200',
        WORKER_LOCK_DURATION_MS: '1000',
        WORKER_STALLED_INTERVAL_MS: '1000',
        EMAIL_SEND_LEASE_MS: '1000',
      },
    });
    cleanups.push(() => dropNamespace(db, namespace));
    const queue = first.runtime.queues.get('email');
    const job = await queue.add('welcome', { userId, email: 'force@example.com', name: 'F' });
    await eventually('the send to start', () => stuck.started.length === 1);
    await first.close();

    const healthy = heldMailer();
    healthy.release();
    const second = startRuntime(db, {
      namespace,
      mailer: healthy.mailer,
      env: { WORKER_QUEUES: 'email', WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '1000' },
      // The first run's idempotency claim holds for its lease (1 s): the retry that meets it backs off briefly.
      policies: { email: { attempts: 10, backoff: { baseMs: 200, maxMs: 1000 } } },
    });
    cleanups.push(second.close);
    const done = await finishedJob(
      second.runtime.queues.get('email'),
      job.id!,
      (found) => found.returnvalue?.sent,
    );
    expect(done.returnvalue).toMatchObject({ sent: true });
    expect(healthy.started).toHaveLength(1);
    stuck.release();
  }, 20_000);
});
