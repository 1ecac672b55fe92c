import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokens, InvalidTokenError } from './access-tokens.js';
import { authEnvSchema, developmentSecretsIn } from './auth-env.js';

const env = authEnvSchema.parse({ JWT_SECRET: 'a'.repeat(40) });
const tokens = new AccessTokens(env);
const alice = { userId: '6f1c1f53-3d54-4a4e-9d64-1c1b2b1f0c11', role: 'USER' as const };

async function rejection(token: string): Promise<InvalidTokenError['reason']> {
  const error = await tokens.verify(token).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as InvalidTokenError).reason;
}

describe('AccessTokens', () => {
  it('issues a token that verifies to the same identity', async () => {
    expect(await tokens.verify(await tokens.issue(alice))).toEqual(alice);
  });

  it.each([
    ['a tampered signature', async () => `${(await tokens.issue(alice)).slice(0, -4)}AAAA`],
    [
      'a tampered payload (role raised to ADMIN)',
      async () => {
        const [header, , signature] = (await tokens.issue(alice)).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            sub: alice.userId,
            role: 'ADMIN',
            iss: env.JWT_ISSUER,
            aud: env.JWT_AUDIENCE,
            iat: 1,
            exp: 4102444800,
          }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'alg: none',
      async () =>
        new UnsecuredJWT({ role: 'ADMIN' })
          .setSubject(alice.userId)
          .setIssuer(env.JWT_ISSUER)
          .setAudience(env.JWT_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .encode(),
    ],
    [
      'another algorithm with the same secret (HS512)',
      async () =>
        new SignJWT({ role: 'USER' })
          .setProtectedHeader({ alg: 'HS512', kid: 'k1' })
          .setSubject(alice.userId)
          .setIssuer(env.JWT_ISSUER)
          .setAudience(env.JWT_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(env.JWT_SECRET)),
    ],
    [
      'the wrong audience',
      async () => new AccessTokens({ ...env, JWT_AUDIENCE: 'someone-else' }).issue(alice),
    ],
    ['the wrong issuer', async () => new AccessTokens({ ...env, JWT_ISSUER: 'evil' }).issue(alice)],
    ['another secret', async () => new AccessTokens({ ...env, JWT_SECRET: 'b'.repeat(40) }).issue(alice)],
    ['an unknown key id', async () => new AccessTokens({ ...env, JWT_KEY_ID: 'k9' }).issue(alice)],
    ['garbage', async () => 'not.a.token'],
    ['an empty string', async () => ''],
  ])('refuses %s', async (_name, make) => {
    expect(await rejection(await make())).toBe('invalid');
  });

  it('refuses an expired token and says so', async () => {
    const expired = await new SignJWT({ role: 'USER' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject(alice.userId)
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    expect(await rejection(expired)).toBe('expired');
  });

  it('accepts tokens of a previous key after rotation, and signs new ones with the new key', async () => {
    const old = await tokens.issue(alice);
    const rotated = new AccessTokens(
      authEnvSchema.parse({
        JWT_SECRET: 'c'.repeat(40),
        JWT_KEY_ID: 'k2',
        JWT_PREVIOUS_KEYS: `k1:${'a'.repeat(40)}`,
      }),
    );
    expect(await rotated.verify(old)).toEqual(alice);
    const fresh = await rotated.issue(alice);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).toBe('k2');
    await expect(tokens.verify(fresh)).rejects.toBeInstanceOf(InvalidTokenError);
  });
});

describe('auth env', () => {
  it('refuses the development secrets in production only', () => {
    const defaults = authEnvSchema.parse({});
    expect(developmentSecretsIn({ ...defaults, NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET',
      'INTERNAL_AUTH_SECRET',
    ]);
    expect(developmentSecretsIn({ ...defaults, NODE_ENV: 'development' })).toEqual([]);
  });

  it('refuses short secrets and malformed previous keys', () => {
    expect(authEnvSchema.safeParse({ JWT_SECRET: 'short' }).success).toBe(false);
    expect(authEnvSchema.safeParse({ JWT_PREVIOUS_KEYS: 'k0:short' }).success).toBe(false);
  });
});
