// Private nginx instances for the bench: the stack's own template (infra/nginx/tablestack.conf.template,
// rendered as infra/local/lib/nginx.sh does) in front of processes the bench started, or a naive
// config (a bare proxy_pass: HTTP/1.0 to the upstream, a new upstream connection per request), which
// is what nginx does when nobody configures it. In the foreground (`daemon off`), in a temp dir, on an
// ephemeral port; stopped with the rest by stopAll().

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Started, startProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { repoRoot } from './stack-env.js';

const template = join(repoRoot, 'infra/nginx/tablestack.conf.template');

export function nginxBinary(): string {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  return found || '/usr/sbin/nginx';
}

export function nginxVersion(): string {
  const run = spawnSync(nginxBinary(), ['-v'], { encoding: 'utf8' });
  return (run.stderr ?? '').trim().replace(/^nginx version: /, '') || 'unknown';
}

const serverLines = (hostPorts: string[]) =>
  hostPorts.map((hostPort) => `        server ${hostPort} max_fails=2 fail_timeout=5s;`).join('\n');

const userDirective = () => (process.getuid?.() === 0 ? 'user root;' : '');

/**
 * The stack's template with `gateway` upstream = `gatewayHostPorts`; the /_ops upstreams point at
 * the stack's replicas from `opsUpstreams` (APP → host:port list), else at a closed port.
 */
async function renderTemplate(
  dir: string,
  port: number,
  gatewayHostPorts: string[],
  ops: Record<string, string[]>,
) {
  let conf = await readFile(template, 'utf8');
  conf = conf.replaceAll('@@USER_DIRECTIVE@@', userDirective());
  conf = conf
    .replaceAll('@@NGINX_DIR@@', dir)
    .replaceAll('@@LISTEN@@', `127.0.0.1:${port}`)
    .replaceAll('@@CORS_ORIGINS@@', '');
  conf = withoutFloodLimit(conf);
  conf = conf.replaceAll('@@SERVERS_GATEWAY@@', serverLines(gatewayHostPorts));
  conf = conf.replace(/@@SERVERS_([A-Z_]+)@@/g, (_match, app: string) =>
    serverLines(ops[app]?.length ? ops[app] : ['127.0.0.1:9']),
  );
  const unknown = conf.match(/@@[A-Z_]+@@/);
  if (unknown) throw new Error(`unknown placeholder ${unknown[0]} in ${template}`);
  return conf;
}

/**
 * The template's coarse per-IP flood limit (limit_req, a few hundred requests/s per address) would
 * turn a benchmark, whose load all comes from 127.0.0.1, into a count of 429s: the bench's nginx
 * keeps the zone but at a rate no load generator here reaches. Everything else is the template's.
 */
export function withoutFloodLimit(conf: string): string {
  const unlimited = conf.replace(
    /(limit_req_zone [^;]*rate=)\d+r\/s/,
    (_match, zone: string) => `${zone}1000000r/s`,
  );
  if (unlimited === conf) throw new Error('the nginx template has no limit_req_zone rate to lift');
  return unlimited;
}

function naiveConf(dir: string, port: number, upstream: string): string {
  return `${userDirective()}
worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
    client_body_temp_path ${dir}/tmp/client_body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    access_log ${dir}/logs/access.log;
    server {
        listen 127.0.0.1:${port};
        location = /_nginx/health { return 200 "ok\\n"; }
        location / { proxy_pass http://${upstream}; }
    }
}
`;
}

export interface NginxOptions {
  name: string;
  /** `template`: the stack's edge config; `naive`: a bare proxy_pass to the first upstream. */
  config: 'template' | 'naive';
  upstreams: string[];
  ops?: Record<string, string[]>;
}

export async function startNginx(options: NginxOptions): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), `tablestack-${options.name}-`));
  await mkdir(join(dir, 'logs'));
  await mkdir(join(dir, 'tmp'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    options.config === 'template'
      ? await renderTemplate(dir, port, options.upstreams, options.ops ?? {})
      : naiveConf(dir, port, options.upstreams[0]!),
  );
  return startProcess({
    name: options.name,
    command: nginxBinary(),
    args: ['-p', `${dir}/`, '-e', join(dir, 'logs', 'error.log'), '-c', conf, '-g', 'daemon off;'],
    port,
    healthUrl: `http://127.0.0.1:${port}/_nginx/health`,
    logFile: join(dir, 'logs', 'stderr.log'),
  });
}
