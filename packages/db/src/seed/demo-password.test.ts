import { scryptSync, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_PASSWORD_HASH } from './demo-password.js';

describe('DEMO_PASSWORD_HASH', () => {
  it('is a real scrypt hash of the demo password in scrypt$N$r$p$salt$hash form', () => {
    const [scheme, n, r, p, salt, hash, ...rest] = DEMO_PASSWORD_HASH.split('$');
    expect([scheme, n, r, p, rest.length]).toEqual(['scrypt', '16384', '8', '1', 0]);
    const saltBytes = Buffer.from(salt!, 'base64');
    const expected = Buffer.from(hash!, 'base64');
    expect(saltBytes.length).toBe(16);
    expect(expected.length).toBe(64);
    const actual = scryptSync(DEMO_PASSWORD, saltBytes, 64, { N: 16384, r: 8, p: 1 });
    expect(timingSafeEqual(actual, expected)).toBe(true);
    expect(timingSafeEqual(scryptSync('wrong', saltBytes, 64, { N: 16384, r: 8, p: 1 }), expected)).toBe(
      false,
    );
  });
});
