import { describe, expect, it } from 'vitest';
import { verificationCode } from './verification-code.js';

const id = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';

describe('verificationCode', () => {
  it('is six digits, the same for the same secret and id', () => {
    expect(verificationCode('secret', id)).toMatch(/^\d{6}$/);
    expect(verificationCode('secret', id)).toBe(verificationCode('secret', id));
  });

  it('differs with the secret and with the id', () => {
    const codes = new Set(
      Array.from({ length: 50 }, (_, i) => verificationCode('secret', id.replace(/.$/, String(i % 10)) + i)),
    );
    expect(codes.size).toBeGreaterThan(45);
    expect(verificationCode('other secret', id)).not.toBe(verificationCode('secret', id));
  });
});
