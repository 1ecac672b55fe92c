import { authEnvSchema, DEVELOPMENT_INTERNAL_SECRET } from '@tablestack/auth';
import { dbEnvSchema } from '@tablestack/db';
import { isQueueName, type QueueName } from '@tablestack/jobs';
import { redisEnvSchema } from '@tablestack/redis-client';
import { baseEnvSchema } from '@tablestack/service-kit';
import { z } from 'zod';

/** Development default of SMS_CODE_SECRET; production refuses it. */
export const DEVELOPMENT_SMS_CODE_SECRET = 'development-only-sms-code-secret-000000';

const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const concurrency = (fallback: number) => z.coerce.number().int().min(1).max(1000).default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** Variables only the worker reads. */
export const workerEnvSchema = z.object({
  /** Queues this process consumes, comma-separated. @default 'email,notifications,files,cleanup' */
  WORKER_QUEUES: z
    .string()
    .default('email,notifications,files,cleanup')
    .transform((value, context) => {
      const names = value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      const unknown = names.filter((name) => !isQueueName(name));
      if (unknown.length > 0) {
        context.addIssue({ code: 'custom', message: `unknown queue(s): ${unknown.join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(names)] as QueueName[];
    }),
  /** Jobs of the email queue run at once per process. @default 5 */
  WORKER_CONCURRENCY_EMAIL: concurrency(5),
  /** @default 10 */
  WORKER_CONCURRENCY_NOTIFICATIONS: concurrency(10),
  /** @default 1 */
  WORKER_CONCURRENCY_CLEANUP: concurrency(1),
  /** SMS jobs at once per process. @default 5 */
  WORKER_CONCURRENCY_SMS: concurrency(5),
  /** Thumbnail jobs at once per process (CPU-bound: about one per core). @default 2 */
  WORKER_CONCURRENCY_FILES: concurrency(2),
  /** A job whose worker stops renewing its lock this long is taken over by another worker. @default 30000 */
  WORKER_LOCK_DURATION_MS: ms(1000, 600_000, 30_000),
  /** How often a worker looks for stalled jobs (those whose lock expired). @default 30000 */
  WORKER_STALLED_INTERVAL_MS: ms(1000, 600_000, 30_000),
  /** On shutdown, active jobs get this long to finish; then the workers are closed by force. @default 10000 */
  WORKER_CLOSE_TIMEOUT_MS: ms(0, 600_000, 10_000),
  /** Run the outbox relay in this process (safe in every replica). @default true */
  OUTBOX_RELAY_ENABLED: flag(true),
  /** Pause between polls when the last one found less than a full batch. @default 500 */
  OUTBOX_POLL_INTERVAL_MS: ms(10, 60_000, 500),
  /** Rows claimed per poll (FOR UPDATE SKIP LOCKED). @default 100 */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** Bound of publishing one batch to Redis; past it the rows stay PENDING and are retried. @default 2000 */
  OUTBOX_PUBLISH_TIMEOUT_MS: ms(100, 60_000, 2000),
  /** Upper bound of the retry delay of a row that could not be published. @default 30000 */
  OUTBOX_RETRY_MAX_MS: ms(100, 3_600_000, 30_000),
  /** SENT outbox rows are deleted by the old-jobs cleanup after this many days. @default 7 */
  OUTBOX_SENT_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(7),
  /** SMTP server of outgoing mail (`smtps://` for TLS, credentials in the URL). @default smtp://127.0.0.1:1025 */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
  /** Sender of every email. @default 'Tablestack <no-reply@tablestack.local>' */
  MAIL_FROM: z.string().min(3).default('Tablestack <no-reply@tablestack.local>'),
  /** Bound of each SMTP step (connect, greeting, socket idle). @default 15000 */
  SMTP_TIMEOUT_MS: ms(100, 300_000, 15_000),
  /**
   * How long a send attempt holds an email's idempotency key before another attempt may send it
   * (covers a worker that died mid-send). Keep it above SMTP_TIMEOUT_MS. @default 60000
   */
  EMAIL_SEND_LEASE_MS: ms(1000, 3_600_000, 60_000),
  /** How long "this email was sent" is remembered, so a job run again sends nothing. @default 604800 (7 days) */
  EMAIL_IDEMPOTENCY_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(7 * 24 * 3600),
  /** Messages-API base of the SMS provider (Twilio's shape). @default 'https://api.twilio.com/2010-04-01' */
  SMS_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com/2010-04-01'),
  /** Account id of the SMS provider (basic auth user); required when WORKER_QUEUES has sms. @default '' */
  SMS_ACCOUNT_SID: z.string().default(''),
  /** Auth token of the SMS provider (basic auth password; never logged); required with sms. @default '' */
  SMS_AUTH_TOKEN: z.string().default(''),
  /** Sender number (E.164) or sender id; required with sms. @default '' */
  SMS_FROM: z.string().default(''),
  /** Bound of one request to the SMS provider. @default 10000 */
  SMS_TIMEOUT_MS: ms(100, 120_000, 10_000),
  /** How long a send attempt holds a message's idempotency key (above SMS_TIMEOUT_MS). @default 30000 */
  SMS_SEND_LEASE_MS: ms(1000, 3_600_000, 30_000),
  /**
   * Secret the verification codes are derived from (shared with whoever checks them); production
   * refuses the development default when the sms queue is consumed.
   */
  SMS_CODE_SECRET: z.string().min(32).default(DEVELOPMENT_SMS_CODE_SECRET),
  /** Cron pattern of the cleanup schedulers (expired refresh tokens, old jobs). @default '0 * * * *' (hourly) */
  CLEANUP_CRON: z.string().min(9).default('0 * * * *'),
  /**
   * Directory of uploaded photos and their thumbnails, the restaurant-service's FILE_STORAGE_DIR.
   * `./stack` sets `.stack/<mode>/files`. @default 'storage/files'
   */
  FILE_STORAGE_DIR: z.string().min(1).default('storage/files'),
  /** Base URL under which stored files are served: purged URLs are `<base>/<key>`. @default '/files' */
  FILE_PUBLIC_BASE_URL: z.string().min(1).default('/files'),
  /** Widths in pixels of the WebP thumbnails made of every photo (never wider than the original). @default '320,960' */
  FILES_THUMBNAIL_WIDTHS: z
    .string()
    .default('320,960')
    .transform((value, context) => {
      const widths = value.split(',').map((part) => Number(part.trim()));
      if (
        widths.length === 0 ||
        widths.some((width) => !Number.isInteger(width) || width < 16 || width > 4096)
      ) {
        context.addIssue({ code: 'custom', message: 'comma-separated widths between 16 and 4096' });
        return z.NEVER;
      }
      return [...new Set(widths)].sort((a, b) => a - b);
    }),
  /** Cron pattern of the orphaned-files job (files no photo refers to). @default '30 * * * *' (hourly) */
  FILES_ORPHAN_CRON: z.string().min(9).default('30 * * * *'),
  /** Files younger than this are never orphans (an upload's row may not be committed yet). @default 60 */
  FILES_ORPHAN_GRACE_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  /** CDN whose cache is purged of changed and deleted file URLs: none or cloudflare. @default 'none' */
  CDN_PURGE_PROVIDER: z.enum(['none', 'cloudflare']).default('none'),
  /** API base of the Cloudflare-style purge endpoint. @default 'https://api.cloudflare.com/client/v4' */
  CDN_PURGE_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.cloudflare.com/client/v4'),
  /** Zone whose cache is purged (required with CDN_PURGE_PROVIDER=cloudflare). @default '' */
  CDN_ZONE_ID: z.string().default(''),
  /** API token with the Cache Purge permission (required with cloudflare; never logged). @default '' */
  CDN_API_TOKEN: z.string().default(''),
  /** Bound of one purge request. @default 5000 */
  CDN_PURGE_TIMEOUT_MS: ms(100, 120_000, 5000),
  /** Folder of the database dumps. `./stack` sets `.stack/<mode>/backups`. @default 'storage/backups' */
  BACKUP_DIR: z.string().min(1).default('storage/backups'),
  /** Dumps kept, newest first. @default 7 */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  /** Cron pattern of the database backup. @default '0 3 * * *' (daily, 03:00) */
  BACKUP_CRON: z.string().min(9).default('0 3 * * *'),
  /** Bound of one pg_dump run. @default 1800000 (30 min) */
  BACKUP_TIMEOUT_MS: ms(1000, 86_400_000, 1_800_000),
  /** pg_dump binary; unset or empty: the newest /usr/lib/postgresql/<major>/bin/pg_dump, else pg_dump on PATH. */
  PG_DUMP_PATH: z
    .string()
    .optional()
    .transform((value) => value || undefined),
  /** Cron pattern of the daily report emailed to admins. @default '0 7 * * *' (07:00) */
  DAILY_REPORT_CRON: z.string().min(9).default('0 7 * * *'),
  /** Cron pattern of the health snapshot. @default '*\/5 * * * *' (every 5 minutes) */
  HEALTH_SNAPSHOT_CRON: z.string().min(9).default('*/5 * * * *'),
  /** Completed jobs are kept this long (bull-board history). @default 24 */
  JOBS_COMPLETED_RETENTION_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
  /** Failed jobs (the dead-letter view) are kept this long, for replay. @default 30 */
  JOBS_FAILED_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
});

/** The worker's env. Parsed once in index.ts; a bad value stops the process with one line. */
export const envSchema = baseEnvSchema
  .extend(dbEnvSchema.shape)
  .extend(redisEnvSchema.shape)
  // Only the internal secret: admin routes trust the identity the gateway forwards.
  .extend(authEnvSchema.pick({ INTERNAL_AUTH_SECRET: true }).shape)
  .extend(workerEnvSchema.shape);

export type Env = z.infer<typeof envSchema>;
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** Settings that are valid one by one but not together, worded like loadEnvOrExit's problems. */
export function configurationProblems(env: WorkerEnv): string[] {
  const problems: string[] = [];
  if (env.WORKER_QUEUES.includes('sms'))
    for (const name of ['SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'] as const)
      if (!env[name]) problems.push(`${name}: required when WORKER_QUEUES has sms`);
  if (env.CDN_PURGE_PROVIDER === 'cloudflare') {
    if (!env.CDN_ZONE_ID) problems.push('CDN_ZONE_ID: required with CDN_PURGE_PROVIDER=cloudflare');
    if (!env.CDN_API_TOKEN) problems.push('CDN_API_TOKEN: required with CDN_PURGE_PROVIDER=cloudflare');
  }
  return problems;
}

/** Production must not trust identity headers signed with the development secret. */
export function productionSecretProblems(
  env: Pick<Env, 'NODE_ENV' | 'INTERNAL_AUTH_SECRET'> &
    Partial<Pick<Env, 'WORKER_QUEUES' | 'SMS_CODE_SECRET'>>,
): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (env.INTERNAL_AUTH_SECRET === DEVELOPMENT_INTERNAL_SECRET)
    problems.push(
      'INTERNAL_AUTH_SECRET: the development default must not be used in production (value hidden)',
    );
  if (env.WORKER_QUEUES?.includes('sms') && env.SMS_CODE_SECRET === DEVELOPMENT_SMS_CODE_SECRET)
    problems.push('SMS_CODE_SECRET: the development default must not be used in production (value hidden)');
  return problems;
}
