/** One outgoing email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. the job id for tracing. */
  headers?: Record<string, string>;
}

/** Where emails go; `smtp-mailer.ts` is the real one. */
export interface Mailer {
  /** Resolves once the server accepted the message. */
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}
