import { createHash, randomBytes } from 'node:crypto';

/** Random bytes in a refresh token: 256 bits, so guessing one is hopeless and a plain hash suffices. */
const TOKEN_BYTES = 32;

/** Shape of a token we issued (43 base64url characters); anything else is refused before any lookup. */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * What is stored for a refresh token: its SHA-256, hex. A fast hash is right here (unlike passwords):
 * the token is 256 random bits, so there is nothing to brute-force, and a leaked table cannot be
 * turned back into tokens.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new refresh token (given to the client once) and its hash (the only thing stored). */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}
