import { z } from 'zod';
import { Uuid } from './common-schemas.js';

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254))
  .meta({ description: 'Normalized: trimmed and lower-cased' });

/**
 * The user-service's policy (apps/user-service/src/passwords/password-policy.ts): 10–128 characters,
 * at least two of lower-case, upper-case, digits and other characters, at least 5 different
 * characters, not containing the email's local part. Length bounds are checked here, the rest there.
 */
export const Password = z.string().min(10).max(128).meta({
  description: '10–128 characters; at least two of lower-case, upper-case, digits, other; at least 5 different characters; not the email local part',
});

export const RegisterBody = z.object({ email: Email, password: Password, name: z.string().trim().min(1).max(100) }).strict().meta({ id: 'RegisterBody' });
export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(128) }).strict().meta({ id: 'LoginBody' });
export const RefreshBody = z.object({ refreshToken: z.string().min(20).max(200) }).strict().meta({ id: 'RefreshBody' });
/**
 * PATCH /users/me: the name, and the password with the current one; role and email cannot change
 * here (strict: unknown fields are refused).
 */
export const UpdateMeBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    password: Password.optional(),
    currentPassword: z.string().min(1).max(128).optional(),
  })
  .strict()
  .meta({ id: 'UpdateMeBody' });

export const PublicUser = z
  .object({ id: Uuid, email: z.string(), name: z.string(), role: z.enum(['USER', 'ADMIN']), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'User' });

export const TokenResponse = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'Seconds the access token lives' }),
    user: PublicUser,
  })
  .meta({ id: 'TokenResponse' });

export const EmailParams = z.object({ email: Email }).strict();
