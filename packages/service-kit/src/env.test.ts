import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseEnvSchema, EnvError, loadEnv } from './env.js';

describe('loadEnv', () => {
  it('parses and applies defaults', () => {
    const env = loadEnv(baseEnvSchema, { PORT: '8080' });
    expect(env).toMatchObject({
      PORT: 8080,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /^invalid environment: PORT: .*\(got "abc"\)$/],
    [{}, /PORT: .*\(not set\)/],
    [{ PORT: '70000' }, /PORT: .*65535/],
    [{ PORT: '1', LOG_LEVEL: 'loud' }, /LOG_LEVEL: .*\(got "loud"\)/],
  ])('names the bad variable in one line: %j', (source, pattern) => {
    const error = (() => {
      try {
        loadEnv(baseEnvSchema, source);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a value that looks secret', () => {
    const schema = z.object({ JWT_SECRET: z.string().min(32) });
    expect(() => loadEnv(schema, { JWT_SECRET: 'hunter2' })).toThrow(/JWT_SECRET: .*\(value hidden\)/);
    expect(() => loadEnv(schema, { JWT_SECRET: 'hunter2' })).not.toThrow(/hunter2/);
  });
});
