import { describe, expect, it } from 'vitest';
import { InvalidJobError } from './invalid-job-error.js';
import { jobNamesOf, jobSchemas } from './job-schemas.js';
import { checkPayloadSize, isKnownJob, MAX_PAYLOAD_BYTES, parseJob } from './parse-job.js';
import { queueNames } from './queue-names.js';

const userId = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const welcome = { userId, email: 'ada@example.com', name: 'Ada' };

describe('job schemas', () => {
  it('has an entry for every queue', () => {
    expect(Object.keys(jobSchemas).sort()).toEqual([...queueNames].sort());
  });

  it('names the jobs of each queue', () => {
    expect(jobNamesOf('email')).toEqual(['welcome', 'password-reset', 'verification']);
    expect(jobNamesOf('notifications')).toEqual(['review-created']);
    expect(jobNamesOf('cleanup')).toEqual([
      'expired-refresh-tokens',
      'old-jobs',
      'database-backup',
      'daily-report',
      'health-snapshot',
    ]);
    expect(jobNamesOf('files')).toEqual(['photo-thumbnails', 'orphaned-files']);
    expect(jobNamesOf('sms')).toEqual(['verification-code', 'reminder']);
  });

  it('knows which queue and job names exist', () => {
    expect(isKnownJob('email', 'welcome')).toBe(true);
    expect(isKnownJob('email', 'review-created')).toBe(false);
    expect(isKnownJob('email', 'toString')).toBe(false);
    expect(isKnownJob('mail', 'welcome')).toBe(false);
  });
});

describe('parseJob', () => {
  it('accepts the welcome payload the user-service writes', () => {
    expect(parseJob('email', 'welcome', welcome)).toEqual(welcome);
  });

  it('accepts the review-created payload the restaurant-service writes', () => {
    const payload = { reviewId: userId, restaurantId: userId, userId };
    expect(parseJob('notifications', 'review-created', payload)).toEqual(payload);
  });

  it('accepts the photo-thumbnails payload the restaurant-service writes', () => {
    expect(parseJob('files', 'photo-thumbnails', { photoId: userId })).toEqual({ photoId: userId });
    expect(() => parseJob('files', 'photo-thumbnails', { photoId: '../etc' })).toThrow(InvalidJobError);
  });

  it('takes E.164 phone numbers only in sms payloads', () => {
    const payload = { userId, phone: '+33612345678', verificationId: userId };
    expect(parseJob('sms', 'verification-code', payload)).toEqual(payload);
    for (const phone of ['0612345678', '+0612345678', '+33 6 12 34 56 78', '+1234'])
      expect(() => parseJob('sms', 'verification-code', { ...payload, phone })).toThrow(InvalidJobError);
  });

  it('accepts the deterministic, non-RFC ids of the seed', () => {
    const seeded = '00000000-0000-0000-0000-000000000001';
    expect(parseJob('email', 'welcome', { ...welcome, userId: seeded }).userId).toBe(seeded);
  });

  it('strips fields outside the schema, so nothing unexpected reaches a queue', () => {
    expect(parseJob('email', 'welcome', { ...welcome, password: 'hunter2' })).toEqual(welcome);
  });

  it.each([
    ['a missing field', 'email', 'welcome', { userId, email: 'ada@example.com' }],
    ['a bad email', 'email', 'welcome', { ...welcome, email: 'not-an-email' }],
    ['a bad id', 'notifications', 'review-created', { reviewId: 'x', restaurantId: userId, userId }],
    ['no payload', 'email', 'verification', undefined],
    ['an unknown job name', 'email', 'goodbye', welcome],
    ['an unknown queue', 'fax', 'welcome', welcome],
  ])('refuses %s with InvalidJobError', (_case, queue, jobName, payload) => {
    expect(() => parseJob(queue, jobName, payload)).toThrow(InvalidJobError);
  });

  it('names the queue, the job and the fields in the error', () => {
    try {
      parseJob('email', 'welcome', { ...welcome, email: 'nope' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_JOB', queue: 'email', jobName: 'welcome' });
      expect((error as InvalidJobError).issues[0]?.path).toEqual(['email']);
    }
  });

  it('refuses payloads larger than MAX_PAYLOAD_BYTES', () => {
    // Today's schemas cap every field, so the size check guards schemas added later.
    expect(() => checkPayloadSize('files', 'x', { blob: 'x'.repeat(MAX_PAYLOAD_BYTES) })).toThrow(
      /exceeds 4096/,
    );
    expect(() => checkPayloadSize('files', 'x', { blob: 'x'.repeat(100) })).not.toThrow();
  });
});
