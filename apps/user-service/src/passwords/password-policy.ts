import { z } from 'zod';

/** Length bounds in characters (Unicode code points, so an emoji counts once). */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

const classes: ReadonlyArray<readonly [string, RegExp]> = [
  ['lower-case letters', /\p{Ll}/u],
  ['upper-case letters', /\p{Lu}/u],
  ['digits', /\p{Nd}/u],
  ['other characters', /[^\p{Ll}\p{Lu}\p{Nd}]/u],
];

/** How many of the four classes (lower, upper, digit, other incl. spaces and symbols) occur. */
export function characterClassesIn(password: string): number {
  return classes.filter(([, pattern]) => pattern.test(password)).length;
}

/**
 * The password policy, as a list of what is wrong (empty when acceptable). Length dominates strength
 * (NIST SP 800-63B), so the rules are few: 10–128 characters, at least two character classes (so
 * not only letters of one case, or only digits), at least 5 different characters (no `aaaaaaaaaA`),
 * and not containing the local part of the account's email. No rotation, no "3 of 4 classes" rule.
 */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const characters = [...password];
  if (characters.length < PASSWORD_MIN_LENGTH)
    problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (characters.length > PASSWORD_MAX_LENGTH)
    problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (characterClassesIn(password) < 2)
    problems.push(
      'must mix at least two of: lower-case letters, upper-case letters, digits, other characters',
    );
  if (new Set(characters).size < 5) problems.push('must use at least 5 different characters');
  if (context.email !== undefined && mentionsEmail(password, context.email)) problems.push(EMAIL_PROBLEM);
  return problems;
}

export const EMAIL_PROBLEM = 'must not contain the email address';

/** Whether the password contains the email's local part (when that is 4 characters or more). */
export function mentionsEmail(password: string, email: string): boolean {
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  return local.length >= 4 && password.toLowerCase().includes(local);
}

/** A new password (registration, change) as a zod schema; the email rule is checked where the email is known. */
export const newPasswordSchema = z.string().superRefine((password, context) => {
  for (const message of passwordProblems(password)) context.addIssue({ code: 'custom', message });
});
