import { verificationCode } from '@tablestack/jobs';
import { describe, expect, it } from 'vitest';
import { renderSms } from './sms-templates.js';

const id = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const phone = '+33612345678';

describe('renderSms', () => {
  it('puts the derived code in the verification SMS, within one segment', () => {
    const text = renderSms(
      'verification-code',
      { userId: id, phone, verificationId: id },
      { codeSecret: 's'.repeat(32) },
    );
    expect(text).toContain(verificationCode('s'.repeat(32), id));
    expect(text.length).toBeLessThanOrEqual(160);
  });

  it('names the restaurant in a reminder, within one segment for names up to 90 characters', () => {
    const restaurantName = 'R'.repeat(90);
    const text = renderSms(
      'reminder',
      { userId: id, phone, restaurantId: id, restaurantName },
      { codeSecret: '' },
    );
    expect(text).toContain(restaurantName);
    expect(text.length).toBeLessThanOrEqual(160);
  });
});
