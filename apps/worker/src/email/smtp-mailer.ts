import { createTransport } from 'nodemailer';
import type { Mailer, MailMessage } from './mailer.js';

export interface SmtpMailerOptions {
  /** `smtp://` or `smtps://`, credentials in the URL. */
  url: string;
  from: string;
  /** Bound of connecting, of the greeting and of socket inactivity. */
  timeoutMs: number;
  /** Pooled SMTP connections (match the email queue's concurrency). @default 5 */
  maxConnections?: number;
}

/** Nodemailer over a pool of SMTP connections. */
export class SmtpMailer implements Mailer {
  readonly #transport;

  constructor(options: SmtpMailerOptions) {
    this.#transport = createTransport(
      {
        url: options.url,
        pool: true,
        maxConnections: options.maxConnections ?? 5,
        // A message whose connection drops mid-send is not resent by the pool: the job's retry (with
        // its idempotency key) decides, so a message is never sent twice behind the job's back.
        maxRequeues: 0,
        connectionTimeout: options.timeoutMs,
        greetingTimeout: options.timeoutMs,
        socketTimeout: options.timeoutMs,
      },
      { from: options.from },
    );
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const info = await this.#transport.sendMail(message);
    return { messageId: info.messageId };
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
