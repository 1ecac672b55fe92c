import { DEVELOPMENT_INTERNAL_SECRET } from '@tablestack/auth';
import { describe, expect, it } from 'vitest';
import { envSchema, productionSecretProblems } from './env.js';

const required = { PORT: '3000', DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db' };

describe('restaurant-service env', () => {
  it('has the documented defaults', () => {
    expect(envSchema.parse(required)).toMatchObject({
      CACHE_WARM_RESTAURANTS: 50,
      CACHE_WARM_CONCURRENCY: 4,
      HTTP_CACHE_MAX_AGE_SECONDS: 0,
      FILE_STORAGE_DIR: 'storage/files',
      FILE_PUBLIC_BASE_URL: '/files',
      PHOTO_MAX_BYTES: 8 * 1024 * 1024,
      INTERNAL_AUTH_SECRET: DEVELOPMENT_INTERNAL_SECRET,
    });
  });

  it.each([
    ['CACHE_WARM_RESTAURANTS', '-1'],
    ['CACHE_WARM_CONCURRENCY', '0'],
    ['HTTP_CACHE_MAX_AGE_SECONDS', 'soon'],
    ['INTERNAL_AUTH_SECRET', 'short'],
    ['PHOTO_MAX_BYTES', '10'],
    ['FILE_STORAGE_DIR', ''],
  ])('refuses %s=%s', (name, value) => {
    expect(envSchema.safeParse({ ...required, [name]: value }).success).toBe(false);
  });

  it('does not read the token variables (the service never sees a token)', () => {
    expect(envSchema.parse({ ...required, JWT_SECRET: 'x' })).not.toHaveProperty('JWT_SECRET');
  });

  it('refuses the development internal secret in production, worded like loadEnvOrExit', () => {
    const production = envSchema.parse({ ...required, NODE_ENV: 'production' });
    expect(productionSecretProblems(production)).toEqual([
      'INTERNAL_AUTH_SECRET: the development default must not be used in production (value hidden)',
    ]);
    expect(productionSecretProblems({ ...production, INTERNAL_AUTH_SECRET: 'x'.repeat(32) })).toEqual([]);
    expect(productionSecretProblems(envSchema.parse(required))).toEqual([]);
  });
});
