import { z } from 'zod';
import {
  EMAIL_PROBLEM,
  mentionsEmail,
  newPasswordSchema,
  PASSWORD_MAX_LENGTH,
} from '../passwords/password-policy.js';

/**
 * Request schemas of the account routes. Every body is a strict object: an unknown field (`role`,
 * `email` on PATCH, anything else) is a 400, never silently dropped or, worse, written.
 */

/** Emails are stored trimmed and lower-cased (users.email is unique on that form). */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }).max(254));

const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/**
 * A password being checked rather than set: no policy (older passwords may predate it), only the
 * policy's upper bound, so that nobody makes us hash a 100 kB string. Counted in code points like the
 * policy (zod's max counts UTF-16 units, in which a 128-emoji password is 256 long).
 */
const givenPasswordSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(PASSWORD_MAX_LENGTH * 2, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .refine(
    (password) => [...password].length <= PASSWORD_MAX_LENGTH,
    `must be at most ${PASSWORD_MAX_LENGTH} characters`,
  );

export const registerBody = z
  .strictObject({ email: emailSchema, password: newPasswordSchema, name: nameSchema })
  .superRefine((body, context) => {
    if (mentionsEmail(body.password, body.email))
      context.addIssue({ code: 'custom', path: ['password'], message: EMAIL_PROBLEM });
  });

export const loginBody = z.strictObject({ email: emailSchema, password: givenPasswordSchema });

/**
 * Bounds as in @tablestack/api-contract's RefreshBody; the exact shape (43 base64url characters) is
 * checked by the service, where a string of the wrong shape is an invalid token (401).
 */
export const refreshTokenBody = z.strictObject({ refreshToken: z.string().min(20).max(200) });

export const updateMeBody = z
  .strictObject({
    name: nameSchema.optional(),
    password: newPasswordSchema.optional(),
    currentPassword: givenPasswordSchema.optional(),
  })
  .refine((body) => body.name !== undefined || body.password !== undefined, {
    message: 'nothing to change: give name and/or password',
  })
  .refine((body) => body.password === undefined || body.currentPassword !== undefined, {
    path: ['currentPassword'],
    message: 'is required to change the password',
  });

export const emailParams = z.strictObject({ email: emailSchema });
