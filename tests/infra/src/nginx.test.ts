// The compose rendering of infra/nginx/tablestack.conf.template (infra/compose/nginx/render-nginx-conf.sh,
// the script the nginx container runs) checked with the real `nginx -t`. The local rendering is
// checked by ./stack itself (infra/local/lib/nginx.sh).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { apps, repoPath } from './repo.js';
import { runTool, systemBinary } from './run-tool.js';

const script = repoPath('infra', 'compose', 'nginx', 'render-nginx-conf.sh');
const template = repoPath('infra', 'nginx', 'tablestack.conf.template');

function render(dir: string, env: Record<string, string> = {}, source = template) {
  return runTool('sh', [script], {
    env: {
      NGINX_TEMPLATE: source,
      NGINX_CONF: join(dir, 'nginx.conf'),
      NGINX_DIR: join(dir, 'run'),
      NGINX_LOG_TO_STDIO: '0',
      ...env,
    },
  });
}

/**
 * Runs `nginx -t` as the container would: the upstreams are compose service names, which nginx
 * resolves while it reads the config. In a private mount namespace they resolve through our own
 * /etc/hosts; where namespaces are not allowed, the config is rendered with 127.0.0.1 instead.
 */
function nginxTest(dir: string): { output: string; status: number | null; exact: boolean } {
  const nginx = systemBinary('nginx');
  const conf = join(dir, 'nginx.conf');
  const args = ['-t', '-p', `${join(dir, 'run')}/`, '-e', join(dir, 'run', 'logs', 'error.log'), '-c', conf];
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, `${readFileSync('/etc/hosts', 'utf8')}\n127.0.0.1 ${apps.join(' ')}\n`);
  const inNamespace = runTool('unshare', [
    '-m',
    'sh',
    '-c',
    'mount --bind "$0" /etc/hosts && exec "$@"',
    hosts,
    nginx,
    ...args,
  ]);
  if (!/unshare failed|Operation not permitted|mount: /.test(inNamespace.output))
    return { ...inNamespace, exact: true };
  const upstreams = Object.fromEntries(
    apps.map((app) => [`UPSTREAM_${app.toUpperCase().replace('-', '_')}`, '127.0.0.1']),
  );
  const rendered = render(dir, upstreams);
  if (rendered.status !== 0) return { ...rendered, exact: false };
  return { ...runTool(nginx, args), exact: false };
}

let dir: string;
let conf: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tablestack-nginx-'));
  const result = render(dir);
  expect(result.status, result.output).toBe(0);
  conf = readFileSync(join(dir, 'nginx.conf'), 'utf8');
});

describe('compose nginx config', () => {
  it('fills in every placeholder of the shared template', () => {
    expect(conf).not.toMatch(/@@[A-Z_]+@@/);
  });

  it('listens on every interface of the container and proxies to the compose services', () => {
    expect(conf).toMatch(/^\s*listen 8080;$/m);
    expect(conf).not.toContain('127.0.0.1:8080');
    for (const app of apps) expect(conf).toContain(`server ${app}:3000 max_fails=2 fail_timeout=5s;`);
    expect(conf).not.toMatch(/^user /m);
  });

  it('passes nginx -t', () => {
    const result = nginxTest(dir);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('test is successful');
  });

  it('refuses a template with a placeholder it does not know', () => {
    const other = mkdtempSync(join(tmpdir(), 'tablestack-nginx-'));
    const changed = join(other, 'template');
    copyFileSync(template, changed);
    writeFileSync(changed, `${readFileSync(changed, 'utf8')}\n# @@SOMETHING_NEW@@\n`);
    const result = render(other, {}, changed);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('@@SOMETHING_NEW@@');
  });
});
