import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../test/fixtures/run-slow-service.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

async function startChild(env: Record<string, string>) {
  child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += String(chunk);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fixture did not start: ${output}`)), 15_000);
    child!.stdout!.on('data', () => {
      const match = /port:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { port, exited, output: () => output };
}

/** Resolves once the server has received the request, so SIGTERM lands while it is in flight. */
function waitForLog(read: () => string, text: string): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (read().includes(text)) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
}

describe('graceful shutdown on SIGTERM', () => {
  it('lets an in-flight request finish, refuses new connections, closes clients in order, exits 0', async () => {
    const { port, exited, output } = await startChild({ SLOW_MS: '1500', SHUTDOWN_TIMEOUT_MS: '8000' });
    const slow = fetch(`http://127.0.0.1:${port}/slow`);
    // The in-flight counter is what shutdown waits on; give the request time to reach the handler.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child!.kill('SIGTERM');
    await waitForLog(output, '"shutting down"');

    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ slow: 'done' });

    const [code] = await exited;
    expect(code).toBe(0);
    const log = output();
    expect(log.indexOf('closed:queue')).toBeGreaterThan(-1);
    expect(log.indexOf('closed:queue')).toBeLessThan(log.indexOf('closed:database'));
    expect(log).toContain('"shutdown complete"');
  });

  it('cuts a request that outlives the deadline and exits 1', async () => {
    const { port, exited, output } = await startChild({ SLOW_MS: '20000', SHUTDOWN_TIMEOUT_MS: '300' });
    const slow = fetch(`http://127.0.0.1:${port}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child!.kill('SIGTERM');
    await expect(slow).rejects.toThrow();
    const [code] = await exited;
    expect(code).toBe(1);
    expect(output()).toContain('drain deadline passed');
    expect(output()).toContain('closed:database');
  });
});
