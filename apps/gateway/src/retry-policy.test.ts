import { describe, expect, it } from 'vitest';
import { mayRetryOnAnotherReplica } from './retry-policy.js';

describe('mayRetryOnAnotherReplica', () => {
  it.each([
    ['GET', 'ECONNREFUSED', true],
    ['get', 'ECONNRESET', true],
    ['HEAD', 'EPIPE', true],
    ['OPTIONS', 'ECONNREFUSED', true],
    ['POST', 'ECONNREFUSED', false],
    ['POST', 'ECONNRESET', false],
    ['PATCH', 'ECONNRESET', false],
    ['DELETE', 'ECONNRESET', false],
    ['PUT', 'ECONNREFUSED', false],
    ['GET', 'UPSTREAM_TIMEOUT', false],
    ['GET', undefined, false],
    [undefined, 'ECONNREFUSED', false],
  ])('%s after %s: %s', (method, code, expected) => {
    expect(mayRetryOnAnotherReplica(method, code)).toBe(expected);
  });
});
