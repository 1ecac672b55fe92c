/** A loader ran past the namespace's hard timeout and no stale value was at hand. */
export class CacheLoadTimeoutError extends Error {
  constructor(
    readonly namespace: string,
    readonly timeoutMs: number,
  ) {
    super(`cache load for ${namespace} took longer than ${timeoutMs} ms`);
    this.name = 'CacheLoadTimeoutError';
  }
}
