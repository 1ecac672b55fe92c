// Runs the real validators (dclint, promtool, nginx, turbo). A missing binary fails the test with a
// line saying where it comes from; it is never skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoPath, repoRoot } from './repo.js';

export interface ToolResult {
  status: number | null;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

const sources: Record<string, string> = {
  promtool: "Debian's prometheus package (./stack test installs it)",
  nginx: "Debian's nginx package (./stack installs it)",
  unshare: "Debian's util-linux",
};

/** Absolute path of a system binary, or an error naming the package it comes from. */
export function systemBinary(name: string): string {
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const path = `${dir}/${name}`;
    if (existsSync(path)) return path;
  }
  throw new Error(`${name} not found: it comes from ${sources[name] ?? 'the system'}`);
}

/** A binary of the workspace's node_modules (dclint, turbo). */
export function workspaceBinary(name: string): string {
  const path = repoPath('node_modules', '.bin', name);
  if (!existsSync(path)) throw new Error(`${path} not found: run pnpm install`);
  return path;
}

export function runTool(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ToolResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 50_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
