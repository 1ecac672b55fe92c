import type { Database } from '@tablestack/db';
import { TcpFaultProxy } from '@tablestack/test-tooling';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  addOutboxRow,
  deleteMailsTo,
  dropNamespace,
  finishedJob,
  type Harness,
  type HarnessOptions,
  identityHeaders,
  mailsTo,
  serve,
  startRuntime,
} from '../../test/harness.js';
import { eventually, openDatabase, requireEnv, sleep, uniqueId } from '../../test/support.js';

const db: Database = openDatabase();
const userId = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => db.close());

/** A runtime in a fresh namespace, and a recipient address of its own; both removed after the test. */
function setUp(label: string, options: Partial<HarnessOptions> = {}) {
  const namespace = uniqueId(label);
  const email = `${namespace}@example.com`;
  const harness: Harness = startRuntime(db, { namespace, env: { WORKER_QUEUES: 'email' }, ...options });
  cleanups.push(async () => {
    await harness.close();
    await dropNamespace(db, namespace);
    await deleteMailsTo(email);
  });
  const welcome = () => addOutboxRow(db, namespace, 'email', 'welcome', { userId, email, name: 'Ada' });
  return { namespace, email, harness, welcome, queue: harness.runtime.queues.get('email') };
}

describe('email queue against real Postgres, Redis and maildev', () => {
  beforeAll(() => db.health());

  it('an outbox row for a welcome email becomes an email in the SMTP sink', async () => {
    const { email, welcome, queue } = setUp('welcome');
    const id = await welcome();
    const [mail] = await eventually(
      'the email in maildev',
      async () => (await mailsTo(email)).length > 0 && mailsTo(email),
    );
    expect(mail).toMatchObject({ subject: 'Welcome to Tablestack' });
    expect(mail!.text).toContain('Hi Ada,');
    expect(mail!.headers?.['x-tablestack-job']).toBe(`email/${id}`);
    const job = await finishedJob(queue, id);
    expect(job.returnvalue).toMatchObject({ sent: true });
    expect(await db.primary().outbox.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'SENT' });
  });

  it('a job processed twice sends one email', async () => {
    const { email, welcome, queue } = setUp('twice');
    const id = await welcome();
    const job = await finishedJob(queue, id);
    // Run the completed job again, as a replay or a duplicate delivery would.
    await job.retry('completed');
    const again = await finishedJob(queue, id, (found) => found.returnvalue?.sent === false);
    expect(again.returnvalue).toEqual({ sent: false, reason: 'already-sent' });
    // And once more through a brand-new job with the same id (the first one removed).
    await job.remove();
    await queue.add('welcome', job.data, { jobId: id });
    await finishedJob(queue, id);
    await sleep(300);
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('fails a job with an invalid payload at once (UnrecoverableError), without retries', async () => {
    const { queue } = setUp('invalid');
    const job = await queue.add('welcome', { userId, email: 'not-an-email', name: 'Ada' });
    const failed = await finishedJob(queue, job.id!, (found) => found.isFailed());
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/invalid job email\/welcome/);
  });

  describe('through a TCP fault proxy', () => {
    let proxy: TcpFaultProxy;
    afterEach(() => proxy.stop());

    async function proxyTo(url: string) {
      const target = new URL(url);
      proxy = await new TcpFaultProxy({
        target: { host: target.hostname, port: Number(target.port) },
      }).start();
      return proxy;
    }

    it('with Redis unreachable the row stays PENDING, and the email arrives once Redis is back', async () => {
      await proxyTo(requireEnv('REDIS_URL'));
      proxy.setMode('refuse');
      const { email, welcome, harness } = setUp('redis-down', {
        redisUrl: proxy.rewrite(requireEnv('REDIS_URL')),
      });
      const id = await welcome();
      await sleep(1000);
      expect(await db.primary().outbox.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'PENDING',
      });
      expect(await mailsTo(email)).toHaveLength(0);
      proxy.setMode('pass');
      await eventually('the email in maildev', async () => (await mailsTo(email)).length > 0);
      expect(await db.primary().outbox.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'SENT',
      });
      expect(harness.redis.queue.status).toBe('ready');
    });

    it('retries a failing send with backoff into the failed set, and replay sends it', async () => {
      await proxyTo(requireEnv('SMTP_URL'));
      proxy.setMode('refuse');
      const { email, welcome, queue, harness } = setUp('retry', {
        env: { WORKER_QUEUES: 'email', SMTP_URL: proxy.rewrite(requireEnv('SMTP_URL')) },
        policies: { email: { attempts: 3, backoff: { baseMs: 400, maxMs: 2000 } } },
      });
      const id = await welcome();
      const failed = await finishedJob(queue, id, (found) => found.isFailed(), 20_000);
      expect(failed.attemptsMade).toBe(3);
      expect(failed.stacktrace).toHaveLength(3);
      // A correctness bound, not a speed one: retries 1 and 2 wait at least half their backoff
      // (200 ms and 400 ms), so three runs without backoff would finish sooner.
      expect(failed.finishedOn! - failed.timestamp).toBeGreaterThanOrEqual(600);
      expect(await queue.getFailedCount()).toBe(1);
      expect(await mailsTo(email)).toHaveLength(0);

      // SMTP is back; an admin replays the failed jobs through the worker's endpoint.
      proxy.setMode('pass');
      const http = await serve(harness);
      cleanups.push(http.close);
      const response = await fetch(`${http.url}/admin/queues/email/failed/replay`, {
        method: 'POST',
        headers: { ...identityHeaders('ADMIN'), 'content-type': 'application/json' },
        body: JSON.stringify({ limit: 10 }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ queue: 'email', jobIds: [id] });
      await eventually('the email in maildev', async () => (await mailsTo(email)).length > 0);
      const replayed = await finishedJob(queue, id, (found) => found.returnvalue?.sent === true);
      expect(replayed.attemptsMade).toBe(1);
      expect(await queue.getFailedCount()).toBe(0);
      expect(await mailsTo(email)).toHaveLength(1);
    });
  });
});
