/**
 * The tables hold part of this seed's data but not all of what was asked (an earlier run with
 * other counts): inserting would collide on ids, and guessing what to delete is not the seed's call.
 */
export class SeedConflictError extends Error {
  override readonly name = 'SeedConflictError';
  readonly code = 'SEED_CONFLICT';
}
