import { type JobName, type JobPayload, verificationCode } from '@tablestack/jobs';

export type SmsJobName = JobName<'sms'>;

/** Text of each SMS job. Kept short: one GSM-7 segment (160 characters) where the names allow. */
export function renderSms(
  name: SmsJobName,
  payload: JobPayload<'sms', SmsJobName>,
  options: { codeSecret: string },
): string {
  switch (name) {
    case 'verification-code': {
      const { verificationId } = payload as JobPayload<'sms', 'verification-code'>;
      return `Your Tablestack code is ${verificationCode(options.codeSecret, verificationId)}. It expires in 10 minutes. Never share it.`;
    }
    case 'reminder': {
      const { restaurantName } = payload as JobPayload<'sms', 'reminder'>;
      return `Tablestack: how was ${restaurantName}? Tell others in a review in the app.`;
    }
  }
}
