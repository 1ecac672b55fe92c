import { z } from 'zod';
import type { QueueName } from './queue-names.js';

// Payloads sit in Postgres (outbox) and Redis (BullMQ) and show in bull-board: ids and what a template
// needs, never a secret (no password, token or reset link). Objects are not strict on purpose: a worker
// of the previous release must accept a payload that a newer producer extended; producers still write
// only the declared fields, because `enqueueOutbox` stores the parsed (stripped) payload.

// GUIDs rather than z.uuid(): the seeded data uses deterministic ids that are not RFC 4122 variants.
const id = z.guid();
const recipient = { userId: id, email: z.email().max(254), name: z.string().min(1).max(200) };

/** A phone number in E.164 form (+ country code, up to 15 digits), as SMS providers take it. */
const phone = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { message: 'an E.164 phone number such as +33612345678' });

/** Payload schemas per queue and job name. */
export const jobSchemas = {
  email: {
    welcome: z.object(recipient),
    'password-reset': z.object(recipient),
    verification: z.object(recipient),
  },
  sms: {
    /**
     * A verification code by SMS. The code is not in the payload (payloads hold no secret): the
     * worker and the verifier both derive it from `verificationId` (`verificationCode`).
     */
    'verification-code': z.object({ userId: id, phone, verificationId: id }),
    /** A reminder to review a restaurant the user visited. */
    reminder: z.object({ userId: id, phone, restaurantId: id, restaurantName: z.string().min(1).max(100) }),
  },
  notifications: {
    'review-created': z.object({ reviewId: id, restaurantId: id, userId: id }),
  },
  files: {
    /** A photo was uploaded (restaurant-service, through the outbox): make its thumbnails. */
    'photo-thumbnails': z.object({ photoId: id }),
    /** Scheduled: delete stored files no photo refers to any more, and purge their URLs. */
    'orphaned-files': z.object({}),
  },
  cleanup: {
    'expired-refresh-tokens': z.object({}),
    'old-jobs': z.object({}),
    /** pg_dump of the database into the backups folder, keeping the newest few. */
    'database-backup': z.object({}),
    /** The day's figures emailed to every admin. */
    'daily-report': z.object({}),
    /** Postgres, Redis and queue backlogs, kept as the latest snapshot in Redis. */
    'health-snapshot': z.object({}),
  },
} as const satisfies Record<QueueName, Record<string, z.ZodType>>;

export type JobSchemas = typeof jobSchemas;
/** Job names of one queue. */
export type JobName<Q extends QueueName> = keyof JobSchemas[Q] & string;
/** The payload of one job, as the worker receives it. */
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = JobSchemas[Q][N] extends z.ZodType
  ? z.infer<JobSchemas[Q][N]>
  : never;
/** Every job name, per queue, as a flat list (for tests and bull-board). */
export function jobNamesOf(queue: QueueName): string[] {
  return Object.keys(jobSchemas[queue]);
}
