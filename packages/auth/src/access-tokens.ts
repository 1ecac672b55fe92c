import { errors, jwtVerify, SignJWT } from 'jose';
import type { AuthEnv } from './auth-env.js';
import type { Identity, Role } from './identity.js';

export type TokenEnv = Pick<
  AuthEnv,
  | 'JWT_SECRET'
  | 'JWT_KEY_ID'
  | 'JWT_PREVIOUS_KEYS'
  | 'JWT_ISSUER'
  | 'JWT_AUDIENCE'
  | 'ACCESS_TOKEN_EXPIRE_MINUTES'
>;

/** The only algorithm accepted: a token naming another one (or `none`) is refused before any check. */
const ALGORITHM = 'HS256';

export class InvalidTokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'access token expired' : 'access token invalid');
    this.name = 'InvalidTokenError';
  }
}

/**
 * Access tokens: HS256 JWTs with issuer, audience, expiry, subject (user id), role and a key id.
 * New tokens are signed with JWT_SECRET under JWT_KEY_ID; tokens of JWT_PREVIOUS_KEYS still verify,
 * so a secret can be rotated without logging everyone out.
 */
export class AccessTokens {
  readonly #keys = new Map<string, Uint8Array>();
  readonly #env: TokenEnv;

  constructor(env: TokenEnv) {
    this.#env = env;
    const encoder = new TextEncoder();
    for (const [kid, secret] of Object.entries(env.JWT_PREVIOUS_KEYS))
      this.#keys.set(kid, encoder.encode(secret));
    this.#keys.set(env.JWT_KEY_ID, encoder.encode(env.JWT_SECRET));
  }

  /** Seconds an access token lives, for the `expires_in` of token responses. */
  get lifetimeSeconds(): number {
    return this.#env.ACCESS_TOKEN_EXPIRE_MINUTES * 60;
  }

  async issue(identity: Identity): Promise<string> {
    return new SignJWT({ role: identity.role })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.#env.JWT_KEY_ID, typ: 'JWT' })
      .setSubject(identity.userId)
      .setIssuer(this.#env.JWT_ISSUER)
      .setAudience(this.#env.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .sign(this.#keys.get(this.#env.JWT_KEY_ID)!);
  }

  /** The identity in a valid token; InvalidTokenError for anything else (never a library error). */
  async verify(token: string): Promise<Identity> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.#keys.get(header.kid);
          if (!key) throw new InvalidTokenError('invalid');
          return key;
        },
        {
          algorithms: [ALGORITHM],
          issuer: this.#env.JWT_ISSUER,
          audience: this.#env.JWT_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat'],
        },
      );
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'USER' && role !== 'ADMIN'))
        throw new InvalidTokenError('invalid');
      return { userId: payload.sub, role: role as Role };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw new InvalidTokenError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
  }
}
