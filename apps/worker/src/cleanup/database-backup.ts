import { spawn } from 'node:child_process';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface BackupOptions {
  /** DATABASE_URL of the primary. */
  databaseUrl: string;
  pgDump: string;
  dir: string;
  /** Dumps kept (newest first); older ones are deleted after a dump succeeded. */
  keep: number;
  timeoutMs: number;
  now?: () => Date;
}

export interface BackupResult {
  file: string;
  sizeBytes: number;
  /** Older dumps removed by the retention. */
  removed: string[];
}

const DUMP = /^tablestack-\d{8}T\d{9}Z\.dump$/;

/**
 * One `pg_dump --format=custom` of the database into `<dir>/tablestack-<UTC time>.dump`, written as
 * `.partial` and renamed when pg_dump succeeded, so a dump that is there is complete. The password
 * goes through PGPASSWORD, not the command line (which `ps` shows). Then only the `keep` newest
 * dumps are kept; `.partial` files of runs that died are removed after a day.
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  await mkdir(options.dir, { recursive: true });
  // UTC to the millisecond (20261203T031500123Z): sortable, and two runs never share a name.
  const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[-:.]/g, '');
  const name = `tablestack-${stamp}.dump`;
  const partial = join(options.dir, `${name}.partial`);
  const url = new URL(options.databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  try {
    await run(
      options.pgDump,
      ['--format=custom', '--no-owner', `--file=${partial}`, `--dbname=${url.toString()}`],
      {
        env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
        timeoutMs: options.timeoutMs,
      },
    );
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, join(options.dir, name));
  const { size } = await stat(join(options.dir, name));
  return { file: name, sizeBytes: size, removed: await applyRetention(options.dir, options.keep) };
}

async function applyRetention(dir: string, keep: number): Promise<string[]> {
  const names = await readdir(dir);
  // The UTC time in the name sorts like the time itself.
  const dumps = names
    .filter((name) => DUMP.test(name))
    .sort()
    .reverse();
  const removed = dumps.slice(keep);
  for (const name of removed) await rm(join(dir, name), { force: true });
  const dayAgo = Date.now() - 24 * 3_600_000;
  for (const name of names.filter((entry) => entry.endsWith('.dump.partial'))) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info && info.mtimeMs < dayAgo) await rm(join(dir, name), { force: true });
  }
  return removed;
}

function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`pg_dump could not start (${command}): ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `pg_dump failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
    });
  });
}
