import { createHmac } from 'node:crypto';

/** Digits of an SMS verification code. */
export const VERIFICATION_CODE_DIGITS = 6;

/**
 * The verification code of a verification id: HMAC-SHA256 with a secret the sender (the worker) and
 * the verifier share, truncated to decimal digits as HOTP does (RFC 4226 §5.3). So a job payload
 * carries only the id, and the code exists nowhere but in the SMS and in the verifier's check.
 */
export function verificationCode(secret: string, verificationId: string): string {
  const mac = createHmac('sha256', secret).update(`verification:${verificationId}`).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** VERIFICATION_CODE_DIGITS).padStart(VERIFICATION_CODE_DIGITS, '0');
}
