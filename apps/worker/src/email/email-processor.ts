import type { JobPayload } from '@tablestack/jobs';
import type { Logger } from '@tablestack/service-kit';
import type { Job } from 'bullmq';
import { type EmailJobName, renderEmail } from './email-templates.js';
import type { Mailer } from './mailer.js';
import type { SendOnce } from './send-once.js';

export interface EmailProcessorDeps {
  mailer: Mailer;
  sendOnce: SendOnce;
  logger: Logger;
}

export type EmailResult = { sent: true; messageId: string } | { sent: false; reason: 'already-sent' };

/** Thrown when another run holds the email's key; a normal failure, so the job retries with backoff. */
export class EmailBusyError extends Error {
  override readonly name = 'EmailBusyError';
}

/**
 * Sends one email, once: the job id (the outbox id) is the idempotency key, so a job that runs again
 * (a retry after a crash, a replay, a duplicate publication) finds the key and sends nothing.
 */
export function createEmailProcessor(deps: EmailProcessorDeps) {
  return async (
    job: Job,
    name: EmailJobName,
    payload: JobPayload<'email', EmailJobName>,
  ): Promise<EmailResult> => {
    const key = `email:${job.id}`;
    const claim = await deps.sendOnce.claim(key);
    if (claim.state === 'sent') {
      deps.logger.info({ jobId: job.id, job: name }, 'email already sent; skipped');
      return { sent: false, reason: 'already-sent' };
    }
    if (claim.state === 'busy') throw new EmailBusyError(`email ${job.id} is being sent by another run`);
    let messageId: string;
    try {
      ({ messageId } = await deps.mailer.send({
        to: payload.email,
        ...renderEmail(name, payload),
        headers: { 'X-Tablestack-Job': `${job.queueName}/${job.id}` },
      }));
    } catch (error) {
      // Not sent: give the key back so the retry can send at once.
      await deps.sendOnce.release(key, claim.token).catch(() => {});
      throw error;
    }
    try {
      await deps.sendOnce.markSent(key);
    } catch (error) {
      // The email went out: the job must complete, or its retry would send it again. The claim
      // stays until its lease ends; only a later duplicate run of this job could then resend.
      deps.logger.error({ err: error, jobId: job.id }, 'email sent but its idempotency key was not recorded');
    }
    return { sent: true, messageId };
  };
}
