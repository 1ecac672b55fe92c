import { loadEnv } from '@tablestack/service-kit';
import { describe, expect, it } from 'vitest';
import { envSchema } from './env.js';

const valid = {
  PORT: '3000',
  USER_SERVICE_URLS: 'http://127.0.0.1:1, http://127.0.0.1:2',
  RESTAURANT_SERVICE_URLS: 'http://r:3',
};

describe('gateway env', () => {
  it('splits upstream lists', () => {
    const env = loadEnv(envSchema, valid);
    expect(env.USER_SERVICE_URLS).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2']);
    expect(env.TRUST_PROXY).toBe('loopback');
  });

  it.each([
    ['USER_SERVICE_URLS', 'not a url'],
    ['USER_SERVICE_URLS', 'ftp://x'],
    ['RESTAURANT_SERVICE_URLS', ''],
    ['UPSTREAM_TIMEOUT_MS', '5'],
  ])('names %s when it is %j', (name, value) => {
    expect(() => loadEnv(envSchema, { ...valid, [name]: value })).toThrow(
      new RegExp(`^invalid environment: ${name}`),
    );
  });
});
