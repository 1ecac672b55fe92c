import { describe, expect, it } from 'vitest';
import { UpstreamPool } from './upstream-pool.js';

describe('UpstreamPool', () => {
  it('hands out replicas round robin', () => {
    const pool = new UpstreamPool('svc', ['http://a', 'http://b', 'http://c']);
    expect(Array.from({ length: 7 }, () => pool.next())).toEqual([
      'http://a',
      'http://b',
      'http://c',
      'http://a',
      'http://b',
      'http://c',
      'http://a',
    ]);
  });

  it('refuses an empty list', () => {
    expect(() => new UpstreamPool('svc', [])).toThrow(/no targets/);
  });
});
