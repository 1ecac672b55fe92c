import { type SmsMessage, type SmsProvider, SmsRejectedError } from './sms-provider.js';

export interface HttpSmsProviderOptions {
  /** API base, e.g. https://api.twilio.com/2010-04-01 (a local fake in tests). */
  apiUrl: string;
  accountSid: string;
  /** Sent in the basic auth header only; never logged or put in an error. */
  authToken: string;
  /** Sender number or id. */
  from: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

interface ProviderAnswer {
  sid?: string;
  code?: number;
  message?: string;
}

/**
 * The common Messages-API shape (Twilio's): `POST <api>/Accounts/<sid>/Messages.json` with a form
 * body (To, From, Body), HTTP basic auth (account sid, auth token) and an idempotency token header;
 * 201 with the message's `sid`. A 4xx other than 408/429 is a refusal for good (`SmsRejectedError`);
 * 5xx, 408, 429, timeouts and connection errors are plain errors, so the job retries with backoff.
 */
export class HttpSmsProvider implements SmsProvider {
  readonly #options: HttpSmsProviderOptions & { fetch: typeof fetch };

  constructor(options: HttpSmsProviderOptions) {
    this.#options = { fetch: globalThis.fetch, ...options };
  }

  async send(message: SmsMessage): Promise<{ messageId: string }> {
    const { apiUrl, accountSid, authToken, from, timeoutMs } = this.#options;
    const endpoint = `${apiUrl.replace(/\/+$/, '')}/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    let response: Response;
    try {
      response = await this.#options.fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'i-twilio-idempotency-token': message.idempotencyKey,
        },
        body: new URLSearchParams({ To: message.to, From: from, Body: message.body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(`SMS provider request failed: ${(error as Error).message}`);
    }
    const answer = (await response.json().catch(() => ({}))) as ProviderAnswer;
    if (response.ok && answer.sid) return { messageId: answer.sid };
    const reason = `SMS provider answered ${response.status}${answer.code ? ` (code ${answer.code})` : ''}${answer.message ? `: ${answer.message}` : ''}`;
    const transient =
      response.status >= 500 || response.status === 408 || response.status === 429 || response.ok;
    if (transient) throw new Error(reason);
    throw new SmsRejectedError(reason, response.status, answer.code);
  }
}
