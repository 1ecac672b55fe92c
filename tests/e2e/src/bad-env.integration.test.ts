import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts an app's build with the given env and collects how it ends. */
function runApp(app: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`apps/${app}/dist/index.js`], {
      cwd: root,
      // Only what is given: the stack's env must not make a bad value look good.
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} kept running with a bad env`));
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const upstreams = { USER_SERVICE_URLS: 'http://127.0.0.1:1', RESTAURANT_SERVICE_URLS: 'http://127.0.0.1:2' };

describe('a bad env stops a service with one clear line', () => {
  it.each([
    ['gateway', 'PORT', { ...upstreams, PORT: 'eighty' }],
    ['gateway', 'USER_SERVICE_URLS', { PORT: '3000', RESTAURANT_SERVICE_URLS: 'http://127.0.0.1:2' }],
    ['user-service', 'LOG_LEVEL', { PORT: '3000', LOG_LEVEL: 'chatty' }],
    ['restaurant-service', 'PORT', { PORT: '99999' }],
    ['worker', 'SHUTDOWN_TIMEOUT_MS', { PORT: '3000', SHUTDOWN_TIMEOUT_MS: 'soon' }],
  ])('%s with a bad %s', async (app, variable, env) => {
    const { code, stderr } = await runApp(app, env as Record<string, string>);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${app}: invalid environment: ${variable}: `));
  });
});

describe('production refuses the development secrets', () => {
  const stack = { DATABASE_URL: process.env.DATABASE_URL ?? '', REDIS_URL: process.env.REDIS_URL ?? '' };
  it.each([
    ['gateway', 'JWT_SECRET', { ...upstreams, PORT: '3000' }],
    ['user-service', 'JWT_SECRET', { ...stack, PORT: '3000' }],
    ['restaurant-service', 'INTERNAL_AUTH_SECRET', { ...stack, PORT: '3000' }],
  ])('%s stops with one line naming %s', async (app, variable, env) => {
    const { code, stderr } = await runApp(app, { ...env, NODE_ENV: 'production' } as Record<string, string>);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${app}: invalid environment: .*${variable}: `));
    expect(lines[0]).toMatch(/development default|must not|production/);
  });
});
