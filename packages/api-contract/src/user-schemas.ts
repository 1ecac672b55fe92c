import { z } from 'zod';
import { Uuid } from './common-schemas.js';

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254))
  .meta({ description: 'Normalized: trimmed and lower-cased' });

/** 10 to 128 characters; length is what matters (NIST SP 800-63B), no composition rules. */
export const Password = z.string().min(10).max(128);

export const RegisterBody = z.object({ email: Email, password: Password, name: z.string().trim().min(1).max(100) }).strict().meta({ id: 'RegisterBody' });
export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(128) }).strict().meta({ id: 'LoginBody' });
export const RefreshBody = z.object({ refreshToken: z.string().min(20).max(200) }).strict().meta({ id: 'RefreshBody' });
/** PATCH /users/me: only the name; role and email cannot change here (strict: unknown fields are refused). */
export const UpdateMeBody = z.object({ name: z.string().trim().min(1).max(100) }).strict().meta({ id: 'UpdateMeBody' });

export const PublicUser = z
  .object({ id: Uuid, email: z.string(), name: z.string(), role: z.enum(['USER', 'ADMIN']), createdAt: z.string() })
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
