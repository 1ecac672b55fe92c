import type { JobName, JobPayload } from '@tablestack/jobs';

export type EmailJobName = JobName<'email'>;

/** Subject and bodies of one email. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Names come from users: never let one become markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => escapes[character]!);
}

function layout(paragraphs: string[]): Pick<RenderedEmail, 'text' | 'html'> {
  return {
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</body></html>`,
  };
}

/**
 * The emails of the email queue. Password reset and verification carry no link yet: their payloads
 * hold no token by design (payloads are stored in Postgres and Redis), and the user-service has no
 * reset or verification flow to link to (see the worker README).
 */
export function renderEmail(name: EmailJobName, payload: JobPayload<'email', EmailJobName>): RenderedEmail {
  switch (name) {
    case 'welcome':
      return {
        subject: 'Welcome to Tablestack',
        ...layout([
          `Hi ${payload.name},`,
          'Welcome to Tablestack! Find restaurants near you, read reviews and write your own.',
          'The Tablestack team',
        ]),
      };
    case 'password-reset':
      return {
        subject: 'Reset your Tablestack password',
        ...layout([
          `Hi ${payload.name},`,
          'Someone asked to reset the password of your Tablestack account. If it was not you, ignore this email: your password stays as it is.',
          'The Tablestack team',
        ]),
      };
    case 'verification':
      return {
        subject: 'Confirm your Tablestack email address',
        ...layout([
          `Hi ${payload.name},`,
          'Please confirm that this is your email address.',
          'The Tablestack team',
        ]),
      };
  }
}
