/** Options of `jitteredBackoff`. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
}

/** Name of the BullMQ backoff type that `jitteredBackoff` implements (job option `backoff.type`). */
export const JITTERED_BACKOFF = 'jittered-exponential';

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * min(maxMs, baseMs · 2^(n-1)). The fixed half keeps the delay growing; the random half spreads
 * retries of jobs that failed together (an SMTP or Redis outage) so they do not return in one wave.
 *
 * @param attempt 1 for the first retry
 * @param random  a number in [0, 1); injectable for tests
 */
export function jitteredBackoff(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
