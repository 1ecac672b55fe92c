import { describe, expect, it } from 'vitest';
import { dbEnvSchema } from './db-env.js';

const url = 'postgresql://u:p@127.0.0.1:5432/app';

describe('db env', () => {
  it('has bounded defaults: never an unbounded wait for a connection', () => {
    const env = dbEnvSchema.parse({ DATABASE_URL: url });
    expect(env).toMatchObject({
      DATABASE_REPLICA_URLS: [],
      DB_POOL_SIZE: 10,
      DB_POOL_TIMEOUT: 2000,
      DB_STATEMENT_TIMEOUT: 5000,
      DB_ECHO: false,
      DB_SLOW_QUERY_MS: 1000,
    });
  });

  it('splits replica URLs and reads booleans', () => {
    const env = dbEnvSchema.parse({
      DATABASE_URL: url,
      DATABASE_REPLICA_URLS: `${url}, ${url}`,
      DB_ECHO: 'true',
    });
    expect(env.DATABASE_REPLICA_URLS).toEqual([url, url]);
    expect(env.DB_ECHO).toBe(true);
  });

  it.each([
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_REPLICA_URLS', 'not-a-url'],
    ['DB_POOL_SIZE', '0'],
    ['DB_POOL_TIMEOUT', '0'],
    ['DB_ECHO', 'perhaps'],
  ])('rejects a bad %s', (name, value) => {
    const result = dbEnvSchema.safeParse({ DATABASE_URL: url, [name]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(name);
  });
});
