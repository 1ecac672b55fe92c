// What the drills break and how they mend it: the stack's own processes, found through the pid files
// ./stack writes under .stack/<mode>/, and put back the way infra/local/lib does (the same config
// files, the same commands), or by `./stack up`, which restarts whatever is down and leaves the rest.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { repoRoot, type StackEnv } from '../lib/stack-env.js';

const run = promisify(execFile);

export class StackControl {
  readonly dir: string;
  readonly mode: string;

  constructor(readonly stack: StackEnv) {
    this.mode = stack.vars.STACK_MODE ?? 'dev';
    this.dir = join(repoRoot, '.stack', this.mode);
  }

  #pidFile(file: string): number {
    const path = join(this.dir, file);
    if (!existsSync(path)) throw new Error(`no pid file ${path}: is the stack up?`);
    const pid = Number(readFileSync(path, 'utf8').trim().split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bad pid in ${path}`);
    return pid;
  }

  appPid(app: string, replica: number): number {
    return this.#pidFile(`run/apps/${app}-${replica}.pid`);
  }

  redisPid(): number {
    return this.#pidFile('redis/redis.pid');
  }

  static alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** SIGKILL and wait until the process is gone. */
  async kill(pid: number): Promise<void> {
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (StackControl.alive(pid) && Date.now() < deadline) await sleep(50);
  }

  /** Redis again with the config ./stack wrote (daemonizes, as redis_up starts it). */
  async startRedis(): Promise<void> {
    await run('redis-server', [join(this.dir, 'redis', 'redis.conf')]);
    await waitFor('redis to answer', 15_000, async () => {
      const result = spawnSync('redis-cli', ['-u', this.stack.redisUrl, 'ping'], { encoding: 'utf8' });
      return result.stdout.trim() === 'PONG';
    });
  }

  #pgBin(name: string): string {
    for (const dir of [
      '/usr/lib/postgresql/15/bin',
      '/usr/lib/postgresql/16/bin',
      '/usr/lib/postgresql/17/bin',
    ]) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
    return name;
  }

  /** pg_ctl as the postgres user when running as root (Postgres refuses root), like lib/postgres.sh. */
  async pgCtl(args: string[]): Promise<void> {
    const pgCtl = this.#pgBin('pg_ctl');
    if (process.getuid?.() === 0)
      await run('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { cwd: '/' });
    else await run(pgCtl, args);
  }

  pgData(server: string): string {
    return join(this.dir, 'pg', server);
  }

  async stopReplica(server: string): Promise<void> {
    await this.pgCtl(['-D', this.pgData(server), '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  async startReplica(server: string): Promise<void> {
    const log = join(this.dir, 'logs', `pg-${server}.log`);
    await this.pgCtl(['-D', this.pgData(server), '-l', log, '-w', '-t', '60', 'start']);
  }

  /** SQL on one server of the stack (primary = DATABASE_URL, replicas = DATABASE_REPLICA_URLS[i]). */
  async sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
    url: string,
    text: string,
    values: unknown[] = [],
  ) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** `./stack up` with the stack's own base: restarts what is down, leaves the rest alone. */
  async stackUp(): Promise<{ ok: boolean; ms: number; tail: string }> {
    const started = Date.now();
    const result = spawnSync(join(repoRoot, 'stack'), ['up'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, STACK_MODE: this.mode, STACK_PORT_BASE: String(this.stack.portBase) },
      timeout: 300_000,
    });
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ');
    return { ok: result.status === 0, ms: Date.now() - started, tail };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
  return Date.now() - started;
}
