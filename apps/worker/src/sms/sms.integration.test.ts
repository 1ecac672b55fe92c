import { randomUUID } from 'node:crypto';
import type { Database } from '@tablestack/db';
import { verificationCode } from '@tablestack/jobs';
import { FakeSmsServer } from '@tablestack/test-tooling';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addOutboxRow, dropNamespace, finishedJob, startRuntime } from '../../test/harness.js';
import { eventually, openDatabase, sleep, uniqueId } from '../../test/support.js';
import { replayFailed } from '../queues/replay-failed.js';

// The sms queue against real Postgres and Redis and a local Messages-API server (the real HTTP
// provider over a real socket): outbox row → one SMS, idempotent, retried on 5xx, failed for good on
// an invalid number, replayable.
const db: Database = openDatabase();
const cleanups: Array<() => Promise<unknown>> = [];
const userId = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const CODE_SECRET = 'sms-integration-test-code-secret-0000000';
let sms: FakeSmsServer;

beforeAll(async () => {
  sms = await new FakeSmsServer().start();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  sms.mode = 'ok';
});
afterAll(async () => {
  await sms.stop();
  await db.close();
});

/** A runtime consuming sms in a namespace of its own, and a phone number of its own. */
function setUp(label: string) {
  const namespace = uniqueId(label);
  const phone = `+336${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const harness = startRuntime(db, {
    namespace,
    env: {
      WORKER_QUEUES: 'sms',
      SMS_API_URL: sms.url,
      SMS_ACCOUNT_SID: sms.accountSid,
      SMS_AUTH_TOKEN: sms.authToken,
      SMS_FROM: '+15005550006',
      SMS_TIMEOUT_MS: '2000',
      SMS_CODE_SECRET: CODE_SECRET,
    },
    policies: { sms: { attempts: 3, backoff: { baseMs: 100, maxMs: 200 } } },
  });
  cleanups.push(async () => {
    await harness.close();
    await dropNamespace(db, namespace);
  });
  return { namespace, phone, harness, queue: harness.runtime.queues.get('sms') };
}

describe('sms queue', () => {
  it('an outbox row for a verification code becomes one SMS with the derived code', async () => {
    const { namespace, phone, queue } = setUp('code');
    const verificationId = randomUUID();
    const id = await addOutboxRow(db, namespace, 'sms', 'verification-code', {
      userId,
      phone,
      verificationId,
    });
    const job = await finishedJob(queue, id);
    expect(job.returnvalue).toMatchObject({ sent: true, messageId: expect.stringMatching(/^SM/) });
    const [message, ...more] = sms.messagesTo(phone);
    expect(more).toEqual([]);
    const code = verificationCode(CODE_SECRET, verificationId);
    expect(message).toMatchObject({ from: '+15005550006', idempotencyToken: `sms/${id}` });
    expect(message!.body).toContain(`Your Tablestack code is ${code}.`);
    // The code is in the SMS only, not in what the queue and the outbox keep.
    expect(JSON.stringify(job.data)).not.toContain(code);
  });

  it('a reminder names the restaurant', async () => {
    const { namespace, phone, queue } = setUp('reminder');
    const payload = { userId, phone, restaurantId: userId, restaurantName: 'Chez Test' };
    const id = await addOutboxRow(db, namespace, 'sms', 'reminder', payload);
    await finishedJob(queue, id);
    expect(sms.messagesTo(phone).map((message) => message.body)).toEqual([
      'Tablestack: how was Chez Test? Tell others in a review in the app.',
    ]);
  });

  it('a job run twice sends one SMS', async () => {
    const { phone, queue } = setUp('twice');
    const payload = { userId, phone, verificationId: randomUUID() };
    const job = await queue.add('verification-code', payload, { jobId: randomUUID() });
    await finishedJob(queue, job.id!);
    // The same job id again (a duplicate publication after it was removed, or a replay).
    await job.remove();
    const again = await queue.add('verification-code', payload, { jobId: job.id! });
    const second = await finishedJob(queue, again.id!);
    expect(second.returnvalue).toEqual({ sent: false, reason: 'already-sent' });
    expect(sms.messagesTo(phone)).toHaveLength(1);
  });

  it('retries a provider error with backoff, lands in the failed set, and sends once when replayed', async () => {
    const { phone, queue } = setUp('retry');
    sms.mode = 'error';
    const before = sms.requests;
    const job = await queue.add('verification-code', { userId, phone, verificationId: randomUUID() });
    const failed = await finishedJob(queue, job.id!, (found) => found.isFailed());
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toMatch(/SMS provider answered 500 \(code 20500\)/);
    expect(sms.requests - before).toBe(3);
    expect(sms.messagesTo(phone)).toEqual([]);

    sms.mode = 'ok';
    expect((await replayFailed(queue, 10)).jobIds).toEqual([job.id]);
    await finishedJob(queue, job.id!, (found) => found.isCompleted());
    expect(sms.messagesTo(phone)).toHaveLength(1);
  });

  it('fails an invalid number for good, without retrying', async () => {
    const { phone, queue } = setUp('invalid');
    sms.mode = 'invalid-number';
    const before = sms.requests;
    const job = await queue.add('verification-code', { userId, phone, verificationId: randomUUID() });
    const failed = await finishedJob(queue, job.id!, (found) => found.isFailed());
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/400 \(code 21211\)/);
    await sleep(300);
    expect(sms.requests - before).toBe(1);
  });

  it('retries when the provider does not answer in time', async () => {
    const { phone, queue } = setUp('hang');
    sms.mode = 'hang';
    const job = await queue.add('reminder', { userId, phone, restaurantId: userId, restaurantName: 'Slow' });
    await eventually(
      'a timed-out attempt',
      async () => ((await queue.getJob(job.id!))?.attemptsMade ?? 0) >= 1,
      10_000,
    );
    sms.mode = 'ok';
    const done = await finishedJob(queue, job.id!, (found) => found.isCompleted(), 20_000);
    expect(done.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(sms.messagesTo(phone)).toHaveLength(1);
  });
});
