/** One outgoing text message. */
export interface SmsMessage {
  /** E.164 number. */
  to: string;
  body: string;
  /** Stable per job: a provider that supports it drops a duplicate send. */
  idempotencyKey: string;
}

/** Where text messages go; `http-sms-provider.ts` is the real one. */
export interface SmsProvider {
  /** Resolves once the provider accepted the message; throws `SmsRejectedError` when it never will. */
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

/** The provider refused the message for good (invalid number, blocked sender): retrying cannot help. */
export class SmsRejectedError extends Error {
  override readonly name = 'SmsRejectedError';

  constructor(
    message: string,
    readonly status: number,
    readonly providerCode?: number,
  ) {
    super(message);
  }
}
