// Processes a command starts for itself (a bare server, a gateway with other limits, nginx): started
// detached in their own process group so that one signal ends them and their children, and stopped
// by the same command, whatever happens (the owner registers them with `track`).

import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';

export interface Started {
  name: string;
  pid: number;
  port: number;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Started>();

/** SIGKILL after this long: above service-kit's 10 s drain deadline, so a service can always finish it. */
const KILL_AFTER_MS = 12_000;

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  port: number;
  /** Polled until it answers 2xx. */
  healthUrl: string;
  /** Where stdout and stderr go; /dev/null by default. */
  logFile?: string;
  timeoutMs?: number;
  cwd?: string;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

export async function startProcess(options: StartOptions): Promise<Started> {
  const out = openSync(options.logFile ?? '/dev/null', 'a');
  const child = spawn(options.command, options.args, {
    env: { ...process.env, ...options.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', out, out],
    detached: true,
    cwd: options.cwd,
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const started: Started = {
    name: options.name,
    pid: child.pid ?? -1,
    port: options.port,
    child,
    async stop(signal = 'SIGTERM') {
      running.delete(started);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, KILL_AFTER_MS);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.add(started);
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!(await answers(options.healthUrl))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await started.stop('SIGKILL');
      throw new Error(
        `${options.name} did not answer ${options.healthUrl}${options.logFile ? `; see ${options.logFile}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return started;
}

/** Stops every process still running; called at the end of a command and on SIGINT/SIGTERM. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((started) => started.stop()));
}

/** Stops what this command started when it is interrupted, then exits. */
export function stopAllOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stopAll().finally(() => process.exit(130));
    });
  }
}
