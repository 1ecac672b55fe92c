import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEnvFile } from './env-file.js';
import type { DoctorReport } from './report.js';
import { checklist } from './run-doctor.js';

// `./stack doctor` against the running stack (./stack test's), as a user runs it.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const envFile = process.env.STACK_ENV_FILE ?? '';

function doctor(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const mode = readEnvFile(envFile).STACK_MODE ?? 'test';
  return new Promise((resolve) => {
    execFile(
      `${root}/stack`,
      ['doctor', ...args],
      { cwd: root, env: { ...process.env, STACK_MODE: mode, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('./stack doctor', () => {
  it('finds the stack healthy: every check runs, none fails, exit 0', async () => {
    expect(envFile, 'STACK_ENV_FILE (./stack test sets it)').not.toBe('');
    expect(readFileSync(envFile, 'utf8')).toContain('DATABASE_URL=');
    const { code, stdout, stderr } = await doctor(['--json']);
    const report = JSON.parse(stdout) as DoctorReport;
    const failed = report.checks.filter((check) => check.status === 'fail');
    expect(failed, `${stderr}\n${JSON.stringify(failed, null, 2)}`).toEqual([]);
    expect(code).toBe(0);
    expect(report.checks.map((check) => check.id)).toEqual(checklist.map((check) => check.id));
    const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    // What a fresh stack must get right; cache hit rates may lack traffic and secrets are the
    // development defaults (warn), the rest passes.
    for (const id of [
      'replicas-ready',
      'redis-connections',
      'indexes',
      'replication',
      'breakers',
      'db-pools',
    ])
      expect(status[id], `${id}: ${JSON.stringify(report.checks.find((check) => check.id === id))}`).toBe(
        'pass',
      );
    expect(status.secrets).toBe('warn');
    expect(report.score).toBeGreaterThan(50);
  }, 90_000);

  it('fails the development secrets in production, prints the report and exits 1', async () => {
    const { code, stdout } = await doctor([], { NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL {2}no default secrets +NODE_ENV=production with \d default secret\(s\):/);
    expect(stdout).toContain('JWT_SECRET is the development default');
    expect(stdout).toMatch(/^score: \d+\/100 \(\d+ pass, \d+ warn, [1-9]\d* fail\)$/m);
  }, 90_000);
});
