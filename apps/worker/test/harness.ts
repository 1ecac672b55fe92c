// Builds WorkerRuntimes in-process over a namespace of their own (queue prefix, key prefix, outbox
// routes), so several can run side by side, and next to the stack's own workers, without meeting.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Database } from '@tablestack/db';
import { type QueueName, queueNames } from '@tablestack/jobs';
import type { RedisConnections } from '@tablestack/redis-client';
import type { Job, Queue } from 'bullmq';
import { Registry } from 'prom-client';
import type { Mailer } from '../src/email/mailer.js';
import { type WorkerEnv, workerEnvSchema } from '../src/env.js';
import type { CdnPurger } from '../src/files/cdn-purger.js';
import type { QueuePolicy } from '../src/queues/queue-policy.js';
import { createServer } from '../src/server.js';
import { WorkerRuntime } from '../src/worker-runtime.js';
import { deleteKeys, eventually, logger, openRedis, requireEnv } from './support.js';

export interface HarnessOptions {
  /** The namespace: one per test. Runtimes of the same namespace share queues and outbox rows. */
  namespace: string;
  /** Redis URL of this runtime's connections (e.g. through a fault proxy). */
  redisUrl?: string;
  env?: Record<string, string>;
  policies?: Partial<Record<QueueName, QueuePolicy>>;
  mailer?: Mailer;
  cdn?: CdnPurger;
  registry?: Registry;
}

/** Outbox `queue` values of a namespace: no other relay serves them. */
export function outboxRoutes(namespace: string): Record<QueueName, string> {
  return Object.fromEntries(queueNames.map((name) => [name, `${name}~${namespace}`])) as Record<
    QueueName,
    string
  >;
}

export function testEnv(overrides: Record<string, string> = {}): WorkerEnv {
  return workerEnvSchema.parse({
    SMTP_URL: requireEnv('SMTP_URL'),
    OUTBOX_POLL_INTERVAL_MS: '50',
    OUTBOX_PUBLISH_TIMEOUT_MS: '500',
    OUTBOX_RETRY_MAX_MS: '500',
    WORKER_CLOSE_TIMEOUT_MS: '2000',
    SMTP_TIMEOUT_MS: '3000',
    EMAIL_SEND_LEASE_MS: '5000',
    ...overrides,
  });
}

export interface Harness {
  runtime: WorkerRuntime;
  redis: RedisConnections;
  registry: Registry;
  close: () => Promise<void>;
}

/** A started runtime; `close()` stops it and closes its connections (the namespace's data stays). */
export function startRuntime(db: Database, options: HarnessOptions): Harness {
  const registry = options.registry ?? new Registry();
  const redis = openRedis(options.namespace, options.redisUrl, registry);
  const runtime = new WorkerRuntime({
    env: testEnv(options.env),
    logger,
    db,
    redis,
    registry,
    outboxRoutes: outboxRoutes(options.namespace),
    databaseUrl: requireEnv('DATABASE_URL'),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(options.cdn ? { cdn: options.cdn } : {}),
  }).start();
  return {
    runtime,
    redis,
    registry,
    close: async () => {
      await runtime.close();
      await redis.close();
    },
  };
}

/** Deletes a namespace's outbox rows and Redis keys (queues and idempotency keys). */
export async function dropNamespace(db: Database, namespace: string): Promise<void> {
  await db.primary().outbox.deleteMany({ where: { queue: { in: Object.values(outboxRoutes(namespace)) } } });
  const redis = openRedis(namespace);
  try {
    await deleteKeys(redis, `it_${namespace}:*`);
  } finally {
    await redis.close();
  }
}

/** Writes an outbox row for the namespace, as a producer's transaction would. */
export async function addOutboxRow(
  db: Database,
  namespace: string,
  queue: QueueName,
  jobName: string,
  payload: object,
): Promise<string> {
  const row = await db.primary().outbox.create({
    data: { queue: outboxRoutes(namespace)[queue], jobName, payload },
    select: { id: true },
  });
  return row.id;
}

interface MaildevEmail {
  id: string;
  subject: string;
  to: Array<{ address: string }>;
  text?: string;
  headers?: Record<string, string>;
}

/** Emails maildev received for this address. */
export async function mailsTo(address: string): Promise<MaildevEmail[]> {
  const response = await fetch(`${requireEnv('MAIL_API_URL')}/email`);
  if (!response.ok) throw new Error(`maildev answered ${response.status}`);
  const all = (await response.json()) as MaildevEmail[];
  return all.filter((email) => email.to.some((to) => to.address.toLowerCase() === address.toLowerCase()));
}

/** Deletes the emails of this address from maildev. */
export async function deleteMailsTo(address: string): Promise<void> {
  for (const email of await mailsTo(address))
    await fetch(`${requireEnv('MAIL_API_URL')}/email/${email.id}`, { method: 'DELETE' });
}

/** Waits until the job exists, has finished (completed or failed) and satisfies `accept`. */
export async function finishedJob(
  queue: Queue,
  id: string,
  accept: (job: Job) => boolean | Promise<boolean> = () => true,
  timeoutMs = 15_000,
): Promise<Job> {
  return eventually(
    `job ${id} finished`,
    async () => {
      const job = await queue.getJob(id);
      return job?.finishedOn !== undefined && (await accept(job)) ? job : undefined;
    },
    timeoutMs,
  );
}

export const INTERNAL_AUTH_SECRET = 'worker-integration-test-internal-secret';

/** The worker's HTTP app over a runtime's queues, listening on a free port. */
export async function serve(harness: Harness): Promise<{ url: string; close: () => Promise<void> }> {
  const service = createServer({
    env: { JSON_BODY_LIMIT: '100kb', INTERNAL_AUTH_SECRET },
    logger,
    registry: harness.registry,
    queues: harness.runtime.queues,
  });
  const server = service.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Identity headers as the gateway sets them. */
export function identityHeaders(
  role: 'ADMIN' | 'USER',
  secret = INTERNAL_AUTH_SECRET,
): Record<string, string> {
  return {
    'x-user-id': '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
    'x-user-role': role,
    'x-internal-auth': secret,
  };
}
