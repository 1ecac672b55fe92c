import type { JobPayload } from '@tablestack/jobs';
import type { Logger } from '@tablestack/service-kit';
import { type Job, UnrecoverableError } from 'bullmq';
import type { SendOnce } from '../email/send-once.js';
import { type SmsProvider, SmsRejectedError } from './sms-provider.js';
import { renderSms, type SmsJobName } from './sms-templates.js';

export interface SmsProcessorDeps {
  provider: SmsProvider;
  sendOnce: SendOnce;
  logger: Logger;
  /** SMS_CODE_SECRET: verification codes are derived from it. */
  codeSecret: string;
}

export type SmsResult = { sent: true; messageId: string } | { sent: false; reason: 'already-sent' };

/** Another run holds the message's key; a normal failure, so the job retries with backoff. */
export class SmsBusyError extends Error {
  override readonly name = 'SmsBusyError';
}

/**
 * Sends one text message, once, like the email processor: the job id is the idempotency key,
 * claimed in Redis before sending and marked sent after the provider accepted; the provider also
 * gets it (idempotency token header), which closes the window a crash after acceptance leaves.
 */
export function createSmsProcessor(deps: SmsProcessorDeps) {
  return async (job: Job, name: SmsJobName, payload: JobPayload<'sms', SmsJobName>): Promise<SmsResult> => {
    const key = `sms:${job.id}`;
    const claim = await deps.sendOnce.claim(key);
    if (claim.state === 'sent') {
      deps.logger.info({ jobId: job.id, job: name }, 'sms already sent; skipped');
      return { sent: false, reason: 'already-sent' };
    }
    if (claim.state === 'busy') throw new SmsBusyError(`sms ${job.id} is being sent by another run`);
    let messageId: string;
    try {
      ({ messageId } = await deps.provider.send({
        to: payload.phone,
        body: renderSms(name, payload, { codeSecret: deps.codeSecret }),
        idempotencyKey: `${job.queueName}/${job.id}`,
      }));
    } catch (error) {
      await deps.sendOnce.release(key, claim.token).catch(() => {});
      if (error instanceof SmsRejectedError) throw new UnrecoverableError(error.message);
      throw error;
    }
    try {
      await deps.sendOnce.markSent(key);
    } catch (error) {
      deps.logger.error({ err: error, jobId: job.id }, 'sms sent but its idempotency key was not recorded');
    }
    return { sent: true, messageId };
  };
}
