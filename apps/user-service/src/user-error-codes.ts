import { ProblemError } from '@tablestack/service-kit';

/**
 * The user-service's own error codes (the kit's shared ones, such as VALIDATION_FAILED, UNAUTHORIZED
 * or NOT_FOUND, are in @tablestack/service-kit). Stable: clients switch on them, so a code never
 * changes meaning. README.md lists them; user-error-codes.test.ts keeps the two in step.
 */
export const userErrorCodes = {
  /** Login with an unknown email or a wrong password: deliberately the same answer for both. */
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid email or password' },
  /** PATCH /users/me with a wrong `currentPassword` (403, not 401: the access token itself is fine). */
  INVALID_CURRENT_PASSWORD: { status: 403, title: 'Current password is wrong' },
  EMAIL_TAKEN: { status: 409, title: 'Email already registered' },
  /** A refresh token we never issued (or whose user is gone). */
  INVALID_REFRESH_TOKEN: { status: 401, title: 'Invalid refresh token' },
  REFRESH_TOKEN_EXPIRED: { status: 401, title: 'Refresh token expired' },
  /** The token's family was revoked (logout, password change, or detected reuse). */
  REFRESH_TOKEN_REVOKED: { status: 401, title: 'Refresh token revoked' },
  /** An already rotated token was presented again: its whole family is now revoked. */
  TOKEN_REUSED: { status: 401, title: 'Refresh token reused' },
} as const satisfies Record<string, { status: number; title: string }>;

export type UserErrorCode = keyof typeof userErrorCodes;

/** A ProblemError with the catalog's status and title for `code`. */
export function userProblem(code: UserErrorCode, detail: string): ProblemError {
  const { status, title } = userErrorCodes[code];
  return new ProblemError(code, { status, title, detail });
}
