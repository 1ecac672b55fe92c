// A worker process killed with SIGKILL in the middle of a job: the job is taken over by another
// worker once its lock lapses, and the email goes out once.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Database } from '@tablestack/db';
import { TcpFaultProxy } from '@tablestack/test-tooling';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteMailsTo, dropNamespace, finishedJob, mailsTo, startRuntime } from '../test/harness.js';
import { eventually, openDatabase, requireEnv, sleep, uniqueId } from '../test/support.js';

const db: Database = openDatabase();
const cleanups: Array<() => Promise<unknown>> = [];
const workerDir = fileURLToPath(new URL('..', import.meta.url));

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => db.close());

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real worker (src/index.ts) in a child process, in the test's namespace. */
async function spawnWorker(namespace: string, env: Record<string, string>): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: workerDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      INSTANCE_ID: `${namespace}-child`,
      REDIS_KEY_PREFIX: `it_${namespace}`,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  await eventually(
    'the child worker to answer /health',
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      return response?.ok;
    },
    20_000,
  );
  return child;
}

describe('a worker killed with SIGKILL mid-job', () => {
  it('the job completes on another worker and the email is sent once', async () => {
    const namespace = uniqueId('sigkill');
    const email = `${namespace}@example.com`;
    cleanups.push(
      () => dropNamespace(db, namespace),
      () => deleteMailsTo(email),
    );
    // The child's SMTP server never answers (a black hole), so its job is active when it dies.
    const smtp = new URL(requireEnv('SMTP_URL'));
    const proxy = await new TcpFaultProxy({
      target: { host: smtp.hostname, port: Number(smtp.port) },
    }).start();
    cleanups.push(() => proxy.stop());
    proxy.setMode('blackhole');
    const child = await spawnWorker(namespace, {
      WORKER_QUEUES: 'email',
      OUTBOX_RELAY_ENABLED: 'false',
      SMTP_URL: proxy.rewrite(requireEnv('SMTP_URL')),
      WORKER_LOCK_DURATION_MS: '2000',
      // The stalled check is rate-limited per queue by the last checker's interval, this one's included.
      WORKER_STALLED_INTERVAL_MS: '1000',
      EMAIL_SEND_LEASE_MS: '2000',
    });

    // Producer side: the queue of the namespace, without a consumer in this process yet.
    const producer = startRuntime(db, {
      namespace,
      env: { WORKER_QUEUES: 'cleanup', OUTBOX_RELAY_ENABLED: 'false' },
    });
    cleanups.push(producer.close);
    const queue = producer.runtime.queues.get('email');
    const job = await queue.add('welcome', {
      userId: '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
      email,
      name: 'Kill',
    });
    await eventually('the child to run the job and open its SMTP connection', async () =>
      (await queue.getJob(job.id!))?.isActive().then((active) => active && proxy.connections > 0),
    );

    child.kill('SIGKILL');
    const [, signal] = await once(child, 'exit');
    expect(signal).toBe('SIGKILL');
    expect(await (await queue.getJob(job.id!))!.isActive()).toBe(true);

    // Another worker: it finds the job stalled once the dead one's lock lapses, and sends the email.
    const survivor = startRuntime(db, {
      namespace,
      env: { WORKER_QUEUES: 'email', OUTBOX_RELAY_ENABLED: 'false', WORKER_STALLED_INTERVAL_MS: '1000' },
      policies: { email: { attempts: 10, backoff: { baseMs: 200, maxMs: 1000 } } },
    });
    cleanups.push(survivor.close);
    const done = await finishedJob(queue, job.id!, (found) => found.returnvalue?.sent === true, 20_000);
    expect(done.returnvalue).toMatchObject({ sent: true });
    await eventually('the email in maildev', async () => (await mailsTo(email)).length > 0);
    await sleep(500);
    expect(await mailsTo(email)).toHaveLength(1);
  }, 60_000);
});
