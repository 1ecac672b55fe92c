import { ProblemError } from '@tablestack/service-kit';

/**
 * The restaurant-service's own error codes (the kit's shared ones, such as VALIDATION_FAILED,
 * UNAUTHORIZED, FORBIDDEN or NOT_FOUND, are in @tablestack/service-kit). Stable: clients switch on
 * them, so a code never changes meaning. README.md lists them; restaurant-error-codes.test.ts keeps
 * the two in step.
 */
export const restaurantErrorCodes = {
  /** POST /restaurants/{id}/reviews by a user who already reviewed it: edit that review instead. */
  REVIEW_EXISTS: { status: 409, title: 'Review already exists' },
  /** A write by a user whose account no longer exists (deleted after the token was issued). */
  UNKNOWN_USER: { status: 401, title: 'Unknown user' },
} as const satisfies Record<string, { status: number; title: string }>;

export type RestaurantErrorCode = keyof typeof restaurantErrorCodes;

/** A ProblemError with the catalog's status and title for `code`. */
export function restaurantProblem(
  code: RestaurantErrorCode,
  detail: string,
  extensions?: Record<string, unknown>,
): ProblemError {
  const { status, title } = restaurantErrorCodes[code];
  return new ProblemError(code, { status, title, detail, ...(extensions ? { extensions } : {}) });
}
