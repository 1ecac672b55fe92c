// A private nginx for the bench, configured from the stack's own template
// (infra/nginx/tablestack.conf.template, as infra/local/lib/nginx.sh renders it) but in front of the
// bench's in-process keep-alive gateway. The stack's nginx sits in front of the stack's gateway, whose
// rate limits (public-read: 100 requests/min per IP) would turn a benchmark of /api/v1 into a
// benchmark of 429s; this one measures the same edge hop without them.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const template = fileURLToPath(new URL('../../../infra/nginx/tablestack.conf.template', import.meta.url));

export interface EdgeNginx {
  port: number;
  /** `nginx -v`, e.g. `nginx/1.22.1`. */
  version: string;
  stop(): Promise<void>;
}

/** The stack's nginx binary: NGINX_BIN, else the one on PATH, else Debian's (infra/local/lib/install.sh). */
function nginxBinary(): string {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  return found || '/usr/sbin/nginx';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** `server` lines of an upstream block, like nginx.sh writes them. */
function serverLines(hostPorts: string[]): string {
  return hostPorts.map((hostPort) => `        server ${hostPort} max_fails=2 fail_timeout=5s;`).join('\n');
}

function hostPortsOf(urls: string | undefined): string[] {
  return (urls ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean)
    .map((url) => new URL(url).host);
}

async function render(dir: string, port: number, gatewayPort: number): Promise<string> {
  let conf = await readFile(template, 'utf8');
  // As nginx.sh does: running as root, workers would switch to `nobody`, which cannot reach the temp dir.
  conf = conf.replaceAll('@@USER_DIRECTIVE@@', process.getuid?.() === 0 ? 'user root;' : '');
  conf = conf
    .replaceAll('@@NGINX_DIR@@', dir)
    .replaceAll('@@LISTEN@@', `127.0.0.1:${port}`)
    .replaceAll('@@CORS_ORIGINS@@', '');
  // All of the bench's load comes from 127.0.0.1: the template's coarse per-IP flood limit
  // (limit_req) would answer most of it with 429s, so the zone stays but at an unreachable rate.
  conf = conf.replace(/(limit_req_zone [^;]*rate=)\d+r\/s/, (_match, zone: string) => `${zone}1000000r/s`);
  conf = conf.replaceAll('@@SERVERS_GATEWAY@@', serverLines([`127.0.0.1:${gatewayPort}`]));
  // The other upstreams only serve /_ops/<app>/...: the stack's replicas, or a closed port.
  conf = conf.replace(/@@SERVERS_([A-Z_]+)@@/g, (_match, app: string) => {
    const hostPorts = hostPortsOf(process.env[`${app}_URLS`]);
    return serverLines(hostPorts.length > 0 ? hostPorts : ['127.0.0.1:9']);
  });
  const unknown = conf.match(/@@[A-Z_]+@@/);
  if (unknown) throw new Error(`unknown placeholder ${unknown[0]} in ${template}`);
  return conf;
}

async function waitHealthy(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.pid === undefined) break;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/_nginx/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = await readFile(errorLog, 'utf8').catch(() => '');
  throw new Error(`nginx did not answer on ${port}: ${log.trim().split('\n').at(-1) ?? 'no error log'}`);
}

/** Starts nginx in the foreground (`daemon off`), so that it is this process's child and ends with it. */
export async function startEdgeNginx(gatewayPort: number): Promise<EdgeNginx> {
  const binary = nginxBinary();
  const versionRun = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  if (versionRun.error) throw new Error(`${binary}: ${versionRun.error.message}`);
  const version = versionRun.stderr.trim().replace(/^nginx version: /, '');

  const dir = await mkdtemp(join(tmpdir(), 'gateway-bench-nginx-'));
  await mkdir(join(dir, 'logs'));
  await mkdir(join(dir, 'tmp'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, await render(dir, port, gatewayPort));
  const errorLog = join(dir, 'logs', 'error.log');
  const child = spawn(binary, ['-p', `${dir}/`, '-e', errorLog, '-c', conf, '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  // 'error' (it could not be spawned) comes instead of 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      child.kill('SIGTERM'); // fast shutdown of the master and its workers
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(port, child, errorLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, version, stop };
}
