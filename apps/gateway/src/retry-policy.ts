/**
 * When the gateway may send a request that failed on one replica to another one.
 *
 * Only safe methods (GET, HEAD, OPTIONS: no body, no effect) and only when the replica failed at the
 * connection level (refused, reset, broken pipe: a killed or restarting replica). A POST, PATCH or
 * DELETE is never sent twice, even when its connection was reset: the first replica may have done the
 * write before it died. A timeout is not retried either: the replica is slow, not gone, and another
 * try would double the wait and the load (nginx in front has its own, bounded, next-upstream rule).
 */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

const CONNECTION_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function mayRetryOnAnotherReplica(method: string | undefined, errorCode: string | undefined): boolean {
  return SAFE_METHODS.has((method ?? '').toUpperCase()) && CONNECTION_ERRORS.has(errorCode ?? '');
}
