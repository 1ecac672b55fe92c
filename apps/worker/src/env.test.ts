import { DEVELOPMENT_INTERNAL_SECRET } from '@tablestack/auth';
import { describe, expect, it } from 'vitest';
import { configurationProblems, productionSecretProblems, workerEnvSchema } from './env.js';

describe('workerEnvSchema', () => {
  it('has defaults for everything', () => {
    expect(workerEnvSchema.parse({})).toMatchObject({
      WORKER_QUEUES: ['email', 'notifications', 'files', 'cleanup'],
      WORKER_CONCURRENCY_FILES: 2,
      FILE_STORAGE_DIR: 'storage/files',
      FILES_THUMBNAIL_WIDTHS: [320, 960],
      FILES_ORPHAN_GRACE_MINUTES: 60,
      CDN_PURGE_PROVIDER: 'none',
      WORKER_CONCURRENCY_EMAIL: 5,
      WORKER_CONCURRENCY_NOTIFICATIONS: 10,
      WORKER_CONCURRENCY_CLEANUP: 1,
      OUTBOX_RELAY_ENABLED: true,
      OUTBOX_BATCH_SIZE: 100,
      SMTP_URL: 'smtp://127.0.0.1:1025',
      CLEANUP_CRON: '0 * * * *',
    });
  });

  it('reads the queues to consume, trimmed and deduplicated', () => {
    expect(workerEnvSchema.parse({ WORKER_QUEUES: ' email , email,cleanup' }).WORKER_QUEUES).toEqual([
      'email',
      'cleanup',
    ]);
  });

  it.each([
    ['WORKER_QUEUES', 'email,fax', /unknown queue\(s\): fax/],
    ['WORKER_CONCURRENCY_EMAIL', '0', /WORKER_CONCURRENCY_EMAIL/],
    ['SMTP_URL', 'http://mail.example.com', /SMTP_URL/],
    ['OUTBOX_RELAY_ENABLED', 'yes', /OUTBOX_RELAY_ENABLED/],
    ['FILES_THUMBNAIL_WIDTHS', '320,huge', /widths between 16 and 4096/],
    ['FILES_THUMBNAIL_WIDTHS', '8', /widths between 16 and 4096/],
    ['CDN_PURGE_PROVIDER', 'akamai', /CDN_PURGE_PROVIDER/],
  ])('refuses %s=%s', (name, value, message) => {
    const result = workerEnvSchema.safeParse({ [name]: value });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(name);
    expect(`${result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)}`).toMatch(
      message,
    );
  });

  it('turns 0/1 and false/true into booleans', () => {
    expect(workerEnvSchema.parse({ OUTBOX_RELAY_ENABLED: '0' }).OUTBOX_RELAY_ENABLED).toBe(false);
    expect(workerEnvSchema.parse({ OUTBOX_RELAY_ENABLED: 'true' }).OUTBOX_RELAY_ENABLED).toBe(true);
  });
});

describe('productionSecretProblems', () => {
  it('refuses the development internal secret in production only', () => {
    expect(
      productionSecretProblems({ NODE_ENV: 'production', INTERNAL_AUTH_SECRET: DEVELOPMENT_INTERNAL_SECRET }),
    ).toHaveLength(1);
    expect(
      productionSecretProblems({
        NODE_ENV: 'development',
        INTERNAL_AUTH_SECRET: DEVELOPMENT_INTERNAL_SECRET,
      }),
    ).toEqual([]);
    expect(
      productionSecretProblems({
        NODE_ENV: 'production',
        INTERNAL_AUTH_SECRET: 'a-real-secret-of-some-length',
      }),
    ).toEqual([]);
  });
});

describe('configurationProblems', () => {
  it('needs the SMS provider settings when the sms queue is consumed', () => {
    expect(configurationProblems(workerEnvSchema.parse({ WORKER_QUEUES: 'sms' }))).toEqual([
      'SMS_ACCOUNT_SID: required when WORKER_QUEUES has sms',
      'SMS_AUTH_TOKEN: required when WORKER_QUEUES has sms',
      'SMS_FROM: required when WORKER_QUEUES has sms',
    ]);
    const sms = {
      WORKER_QUEUES: 'sms',
      SMS_ACCOUNT_SID: 'AC1',
      SMS_AUTH_TOKEN: 't',
      SMS_FROM: '+15005550006',
    };
    expect(configurationProblems(workerEnvSchema.parse(sms))).toEqual([]);
  });

  it('refuses the development SMS code secret in production only when sms is consumed', () => {
    const base = {
      NODE_ENV: 'production' as const,
      INTERNAL_AUTH_SECRET: 'a-real-secret-of-enough-length-000000',
    };
    const parsed = (queues: string) => ({ ...base, ...workerEnvSchema.parse({ WORKER_QUEUES: queues }) });
    expect(productionSecretProblems(parsed('email'))).toEqual([]);
    expect(productionSecretProblems(parsed('email,sms'))).toEqual([
      'SMS_CODE_SECRET: the development default must not be used in production (value hidden)',
    ]);
  });

  it('needs a zone and a token for the Cloudflare purge, and names both', () => {
    expect(configurationProblems(workerEnvSchema.parse({}))).toEqual([]);
    expect(configurationProblems(workerEnvSchema.parse({ CDN_PURGE_PROVIDER: 'cloudflare' }))).toEqual([
      'CDN_ZONE_ID: required with CDN_PURGE_PROVIDER=cloudflare',
      'CDN_API_TOKEN: required with CDN_PURGE_PROVIDER=cloudflare',
    ]);
    const ok = { CDN_PURGE_PROVIDER: 'cloudflare', CDN_ZONE_ID: 'zone', CDN_API_TOKEN: 'token' };
    expect(configurationProblems(workerEnvSchema.parse(ok))).toEqual([]);
  });

  it('reads an empty PG_DUMP_PATH (as in .env.example) as unset', () => {
    expect(workerEnvSchema.parse({ PG_DUMP_PATH: '' }).PG_DUMP_PATH).toBeUndefined();
    expect(workerEnvSchema.parse({ PG_DUMP_PATH: '/x/pg_dump' }).PG_DUMP_PATH).toBe('/x/pg_dump');
  });

  it('sorts and deduplicates the thumbnail widths', () => {
    expect(workerEnvSchema.parse({ FILES_THUMBNAIL_WIDTHS: '960, 320,960' }).FILES_THUMBNAIL_WIDTHS).toEqual([
      320, 960,
    ]);
  });
});
