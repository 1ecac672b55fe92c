import type { Database } from '@tablestack/db';
import { type QueueName, queueNames } from '@tablestack/jobs';
import type { RedisConnections } from '@tablestack/redis-client';
import type { Closer, Logger } from '@tablestack/service-kit';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { JITTERED_BACKOFF, jitteredBackoff } from './backoff.js';
import { createCleanupProcessor } from './cleanup/cleanup-processor.js';
import { defineCleanupSchedulers } from './cleanup/cleanup-schedulers.js';
import { sendDailyReport } from './cleanup/daily-report.js';
import { backupDatabase } from './cleanup/database-backup.js';
import { findPgDump } from './cleanup/find-pg-dump.js';
import { takeHealthSnapshot } from './cleanup/health-snapshot.js';
import { createEmailProcessor } from './email/email-processor.js';
import type { EmailJobName } from './email/email-templates.js';
import type { Mailer } from './email/mailer.js';
import { SendOnce } from './email/send-once.js';
import { SmtpMailer } from './email/smtp-mailer.js';
import type { WorkerEnv } from './env.js';
import type { CdnPurger } from './files/cdn-purger.js';
import { createCdnPurger } from './files/create-cdn-purger.js';
import { FileStorage } from './files/file-storage.js';
import { createFilesProcessor } from './files/files-processor.js';
import { defineFilesSchedulers } from './files/files-schedulers.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { createNotificationsProcessor } from './notifications/notifications-processor.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import {
  defaultQueuePolicies,
  jobOptionsFor,
  type QueuePolicy,
  type Retention,
} from './queues/queue-policy.js';
import { createQueueProcessor, type JobHandler } from './queues/queue-processor.js';
import { QueueSet } from './queues/queue-set.js';
import { HttpSmsProvider } from './sms/http-sms-provider.js';
import { createSmsProcessor } from './sms/sms-processor.js';
import type { SmsProvider } from './sms/sms-provider.js';
import type { SmsJobName } from './sms/sms-templates.js';

export interface WorkerRuntimeOptions {
  env: WorkerEnv;
  logger: Logger;
  db: Database;
  redis: RedisConnections;
  registry?: Registry;
  /** @default an SmtpMailer over SMTP_URL */
  mailer?: Mailer;
  /** DATABASE_URL of the primary, for pg_dump (the database-backup job). */
  databaseUrl?: string;
  /** @default an HttpSmsProvider over SMS_API_URL */
  sms?: SmsProvider;
  /** Where changed and deleted file URLs are purged. @default the one CDN_PURGE_PROVIDER names */
  cdn?: CdnPurger;
  /** Retry policies per queue. @default defaultQueuePolicies */
  policies?: Partial<Record<QueueName, QueuePolicy>>;
  /**
   * Outbox `queue` value served per queue. @default the queue's name. Tests give each run values of
   * its own, so relays of other processes (the dev stack's workers) never take their rows.
   */
  outboxRoutes?: Partial<Record<QueueName, string>>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Everything the worker process runs, without HTTP: a Queue per queue name, a BullMQ Worker per
 * consumed queue (WORKER_QUEUES) with its processors, the outbox relay, the cleanup schedulers and
 * the queue metrics. `index.ts` builds one; tests build several in one process.
 */
export class WorkerRuntime {
  readonly queues: QueueSet;
  readonly metrics: WorkerMetrics;
  readonly relay: OutboxRelay | undefined;
  readonly mailer: Mailer;
  readonly cdn: CdnPurger;
  readonly #workers = new Map<QueueName, Worker>();
  readonly #options: WorkerRuntimeOptions;
  readonly #policies: Record<QueueName, QueuePolicy>;
  readonly #retention: Retention;
  #schedulers: Promise<void> | undefined;
  #closing = false;
  /** BullMQ repeats the same connection error while Redis is down: each is logged once in a row. */
  readonly #errors = new RepeatedErrorLog();

  constructor(options: WorkerRuntimeOptions) {
    this.#options = options;
    const { env, redis, logger } = options;
    this.#policies = { ...defaultQueuePolicies, ...options.policies };
    this.#retention = {
      completedMs: env.JOBS_COMPLETED_RETENTION_HOURS * HOUR,
      failedMs: env.JOBS_FAILED_RETENTION_DAYS * DAY,
    };
    this.queues = new QueueSet({
      connection: redis.queue,
      prefix: redis.queuePrefix,
      policies: this.#policies,
      retention: this.#retention,
      onError: (queue, error) =>
        this.#errors.log(`queue:${queue}`, logger.child({ queue }), 'queue error', error),
    });
    this.metrics = new WorkerMetrics({
      registry: options.registry ?? new Registry(),
      queues: () => this.queues.all(),
    });
    this.mailer =
      options.mailer ??
      new SmtpMailer({
        url: env.SMTP_URL,
        from: env.MAIL_FROM,
        timeoutMs: env.SMTP_TIMEOUT_MS,
        maxConnections: env.WORKER_CONCURRENCY_EMAIL,
      });
    this.cdn = options.cdn ?? createCdnPurger(env);
    this.relay = env.OUTBOX_RELAY_ENABLED
      ? new OutboxRelay({
          db: options.db,
          routes: new Map(
            queueNames.map((name) => [options.outboxRoutes?.[name] ?? name, this.queues.get(name)]),
          ),
          isRedisReady: () => redis.queue.status === 'ready',
          logger: logger.child({ component: 'outbox-relay' }),
          metrics: this.metrics,
          batchSize: env.OUTBOX_BATCH_SIZE,
          pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
          publishTimeoutMs: env.OUTBOX_PUBLISH_TIMEOUT_MS,
          retry: { baseMs: Math.min(1000, env.OUTBOX_RETRY_MAX_MS), maxMs: env.OUTBOX_RETRY_MAX_MS },
        })
      : undefined;
  }

  /** The consuming workers, by queue (for tests and shutdown). */
  get workers(): ReadonlyMap<QueueName, Worker> {
    return this.#workers;
  }

  /**
   * Starts the workers and the relay, and defines the schedulers in the background: nothing here
   * waits for Redis, so the process serves /health and /ready while Redis is still down.
   */
  start(): this {
    for (const queue of this.#options.env.WORKER_QUEUES) this.#startWorker(queue);
    this.relay?.start();
    if (this.#workers.has('cleanup') || this.#workers.has('files'))
      this.#schedulers = this.#defineSchedulers();
    return this;
  }

  /** Resolves once the schedulers are defined (immediately when this process runs no cleanup or files worker). */
  async schedulersDefined(): Promise<void> {
    await this.#schedulers;
  }

  /**
   * What shutdown closes, in order: the relay (no new jobs), the workers (active jobs get
   * WORKER_CLOSE_TIMEOUT_MS to finish, then are abandoned to the stalled-job check of another
   * worker), the queues, the mailer. Redis and Postgres are closed after these by the caller.
   */
  closers(): Closer[] {
    return [
      {
        name: 'outbox relay',
        close: () => {
          this.#closing = true;
          this.#errors.muted = true;
          return this.relay?.stop();
        },
      },
      { name: 'workers', close: () => this.#closeWorkers() },
      { name: 'queues', close: () => this.queues.close() },
      { name: 'mailer', close: () => this.mailer.close() },
    ];
  }

  /** Runs every closer (tests). */
  async close(): Promise<void> {
    for (const closer of this.closers()) await closer.close();
  }

  #startWorker(queue: QueueName): void {
    const { env, redis, logger } = this.#options;
    const policy = this.#policies[queue];
    const worker = new Worker(queue, createQueueProcessor(queue, this.#handlers(queue)), {
      connection: redis.queue,
      prefix: redis.queuePrefix,
      concurrency: concurrencyOf(env, queue),
      lockDuration: env.WORKER_LOCK_DURATION_MS,
      stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: 1,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string) => {
          if (type !== JITTERED_BACKOFF) throw new Error(`unknown backoff type ${type}`);
          return jitteredBackoff(attemptsMade, policy.backoff);
        },
      },
    });
    const log = logger.child({ queue });
    worker.on('error', (error) => this.#errors.log(`worker:${queue}`, log, 'worker error', error));
    worker.on('completed', (job) => this.#observe(queue, job, 'completed'));
    worker.on('failed', (job, error) => {
      if (!job) return;
      this.#observe(queue, job, 'failed');
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
      log[final ? 'error' : 'warn'](
        { jobId: job.id, job: job.name, attemptsMade: job.attemptsMade, err: error },
        final ? 'job failed for good' : 'job failed; will retry',
      );
    });
    this.#workers.set(queue, worker);
  }

  #handlers(queue: QueueName): Record<string, JobHandler> {
    const { db, redis, env, logger } = this.#options;
    switch (queue) {
      case 'email': {
        const send = createEmailProcessor({
          mailer: this.mailer,
          sendOnce: new SendOnce({
            redis: redis.command,
            leaseMs: env.EMAIL_SEND_LEASE_MS,
            sentTtlSeconds: env.EMAIL_IDEMPOTENCY_TTL_SECONDS,
          }),
          logger: logger.child({ queue }),
        });
        const handler: JobHandler = (job, name, payload) => send(job, name as EmailJobName, payload as never);
        return { welcome: handler, 'password-reset': handler, verification: handler };
      }
      case 'notifications': {
        const notify = createNotificationsProcessor({ db });
        return { 'review-created': (job, _name, payload) => notify(job, payload as never) };
      }
      case 'cleanup': {
        const cleanup = createCleanupProcessor({
          db,
          queues: () => this.queues.all(),
          completedRetentionMs: this.#retention.completedMs,
          failedRetentionMs: this.#retention.failedMs,
          outboxSentRetentionMs: env.OUTBOX_SENT_RETENTION_DAYS * DAY,
        });
        const { databaseUrl } = this.#options;
        const queues = () => this.queues.all();
        return {
          'expired-refresh-tokens': () => cleanup.expiredRefreshTokens(),
          'old-jobs': () => cleanup.oldJobs(),
          'database-backup': async () => {
            if (!databaseUrl)
              throw new UnrecoverableError('database-backup needs the DATABASE_URL of the primary');
            return backupDatabase({
              databaseUrl,
              pgDump: findPgDump(env.PG_DUMP_PATH),
              dir: env.BACKUP_DIR,
              keep: env.BACKUP_KEEP,
              timeoutMs: env.BACKUP_TIMEOUT_MS,
            });
          },
          'daily-report': () =>
            sendDailyReport({
              db,
              queues,
              mailer: this.mailer,
              sendOnce: new SendOnce({
                redis: redis.command,
                leaseMs: env.EMAIL_SEND_LEASE_MS,
                sentTtlSeconds: 3 * 24 * 3600,
              }),
            }),
          'health-snapshot': () => takeHealthSnapshot({ db, redis, queues }),
        };
      }
      case 'files': {
        const files = createFilesProcessor({
          db,
          storage: new FileStorage(env.FILE_STORAGE_DIR),
          cdn: this.cdn,
          logger: logger.child({ queue }),
          widths: env.FILES_THUMBNAIL_WIDTHS,
          publicBaseUrl: env.FILE_PUBLIC_BASE_URL,
          orphanGraceMs: env.FILES_ORPHAN_GRACE_MINUTES * 60_000,
        });
        return {
          'photo-thumbnails': (_job, _name, payload) => files.photoThumbnails(payload as never),
          'orphaned-files': () => files.orphanedFiles(),
        };
      }
      case 'sms': {
        const send = createSmsProcessor({
          provider:
            this.#options.sms ??
            new HttpSmsProvider({
              apiUrl: env.SMS_API_URL,
              accountSid: env.SMS_ACCOUNT_SID,
              authToken: env.SMS_AUTH_TOKEN,
              from: env.SMS_FROM,
              timeoutMs: env.SMS_TIMEOUT_MS,
            }),
          sendOnce: new SendOnce({
            redis: redis.command,
            leaseMs: env.SMS_SEND_LEASE_MS,
            sentTtlSeconds: env.EMAIL_IDEMPOTENCY_TTL_SECONDS,
          }),
          logger: logger.child({ queue }),
          codeSecret: env.SMS_CODE_SECRET,
        });
        const handler: JobHandler = (job, name, payload) => send(job, name as SmsJobName, payload as never);
        return { 'verification-code': handler, reminder: handler };
      }
    }
  }

  async #defineSchedulers(): Promise<void> {
    const { env, logger } = this.#options;
    const optsOf = (queue: QueueName) => jobOptionsFor(this.#policies[queue], this.#retention);
    // Retried until Redis answers: a worker that boots during an outage defines them afterwards.
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.#workers.has('cleanup'))
          await defineCleanupSchedulers(
            this.queues.get('cleanup'),
            {
              'expired-refresh-tokens': env.CLEANUP_CRON,
              'old-jobs': env.CLEANUP_CRON,
              'database-backup': env.BACKUP_CRON,
              'daily-report': env.DAILY_REPORT_CRON,
              'health-snapshot': env.HEALTH_SNAPSHOT_CRON,
            },
            optsOf('cleanup'),
          );
        if (this.#workers.has('files'))
          await defineFilesSchedulers(this.queues.get('files'), env.FILES_ORPHAN_CRON, optsOf('files'));
        logger.info({ cleanup: env.CLEANUP_CRON, files: env.FILES_ORPHAN_CRON }, 'schedulers defined');
        return;
      } catch (error) {
        if (this.#closing) return;
        logger.warn({ err: error, attempt }, 'defining the schedulers failed; retrying');
        await new Promise((resolve) =>
          setTimeout(resolve, jitteredBackoff(attempt, { baseMs: 500, maxMs: 30_000 })),
        );
      }
    }
  }

  async #closeWorkers(): Promise<void> {
    const { env, logger } = this.#options;
    await Promise.all(
      [...this.#workers.entries()].map(async ([queue, worker]) => {
        // pause() stops taking jobs and waits for the active ones; close(true) afterwards does not
        // wait. (close() then close(true) would not do: a second close() joins the first.)
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), env.WORKER_CLOSE_TIMEOUT_MS);
        });
        const outcome = await Promise.race([worker.pause().then(() => 'drained' as const), deadline]);
        clearTimeout(timer);
        if (outcome === 'timeout')
          // Their locks lapse and another worker's stalled check takes the jobs over.
          logger.warn(
            { queue, timeoutMs: env.WORKER_CLOSE_TIMEOUT_MS },
            'active jobs outlived the deadline; closing by force',
          );
        await worker.close(outcome === 'timeout');
      }),
    );
  }

  #observe(queue: QueueName, job: Job, status: 'completed' | 'failed'): void {
    if (job.processedOn && job.finishedOn)
      this.metrics.jobDuration.observe(
        { queue, name: job.name, status },
        (job.finishedOn - job.processedOn) / 1000,
      );
  }
}

function concurrencyOf(env: WorkerEnv, queue: QueueName): number {
  switch (queue) {
    case 'email':
      return env.WORKER_CONCURRENCY_EMAIL;
    case 'notifications':
      return env.WORKER_CONCURRENCY_NOTIFICATIONS;
    case 'cleanup':
      return env.WORKER_CONCURRENCY_CLEANUP;
    case 'files':
      return env.WORKER_CONCURRENCY_FILES;
    case 'sms':
      return env.WORKER_CONCURRENCY_SMS;
    default:
      return 1;
  }
}

/** Logs an error unless the previous error of the same source had the same message. */
class RepeatedErrorLog {
  readonly #last = new Map<string, string>();

  /** Set once shutdown begins: connections closing under BullMQ then raise errors that mean nothing. */
  muted = false;

  log(source: string, logger: Logger, message: string, error: Error): void {
    if (this.muted || this.#last.get(source) === error.message) return;
    this.#last.set(source, error.message);
    logger.error({ err: error }, message);
  }
}
