import { DEVELOPMENT_INTERNAL_SECRET } from '@tablestack/auth';
import { describe, expect, it } from 'vitest';
import { envSchema, productionSecretProblems } from './env.js';

const required = { PORT: '3000', DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db' };

describe('user-service env', () => {
  it('has the documented defaults', () => {
    expect(envSchema.parse(required)).toMatchObject({
      REFRESH_TOKEN_EXPIRE_DAYS: 30,
      PASSWORD_HASH: 'argon2id',
      BCRYPT_ROUNDS: 12,
      ARGON2_MEMORY_KIB: 19456,
      ARGON2_TIME_COST: 2,
      ARGON2_PARALLELISM: 1,
      ACCESS_TOKEN_EXPIRE_MINUTES: 15,
    });
  });

  it.each([
    ['PASSWORD_HASH', 'md5'],
    ['BCRYPT_ROUNDS', '8'],
    ['ARGON2_MEMORY_KIB', '4096'],
    ['REFRESH_TOKEN_EXPIRE_DAYS', '0'],
  ])('refuses %s=%s', (name, value) => {
    expect(envSchema.safeParse({ ...required, [name]: value }).success).toBe(false);
  });

  it('names the development secrets in production, worded like loadEnvOrExit', () => {
    const production = envSchema.parse({ ...required, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(productionSecretProblems(production)).toEqual([
      'INTERNAL_AUTH_SECRET: the development default must not be used in production (value hidden)',
    ]);
    expect(productionSecretProblems(envSchema.parse(required))).toEqual([]);
    expect(envSchema.parse(required).INTERNAL_AUTH_SECRET).toBe(DEVELOPMENT_INTERNAL_SECRET);
  });
});
