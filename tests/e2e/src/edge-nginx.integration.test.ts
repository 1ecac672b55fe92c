import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stackDir, stackEnv } from './stack-env.js';

// The edge as ./stack renders it from infra/nginx/tablestack.conf.template: the config nginx runs
// with passes `nginx -t`, and the running nginx behaves as the template says.
const nginxDir = `${stackDir()}/nginx`;
const conf = `${nginxDir}/nginx.conf`;
const nginxBin =
  ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? 'nginx';

describe('nginx edge', () => {
  it('runs a rendered config that passes nginx -t, with no placeholder left', async () => {
    const text = readFileSync(conf, 'utf8');
    expect(text).not.toMatch(/@@[A-Z_]+@@/);
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        nginxBin,
        ['-p', `${nginxDir}/`, '-e', `${nginxDir}/logs/error.log`, '-t', '-c', conf],
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    expect(result.output).toContain('test is successful');
    expect(result.code).toBe(0);
  });

  it('moves on to the next upstream only for idempotent requests, with a try limit', () => {
    const text = readFileSync(conf, 'utf8');
    // Only the gateway's own unreachability: its 502/503 answers pass through (see the template).
    expect(text).toMatch(/^\s*proxy_next_upstream error timeout;$/m);
    expect(text).toMatch(/^\s*proxy_next_upstream_tries 2;$/m);
    // non_idempotent would let nginx replay a POST that reached a gateway.
    expect(text).not.toMatch(/^\s*proxy_next_upstream[^\n]*non_idempotent/m);
    expect(text).toMatch(/upstream gateway \{\s*least_conn;/);
    expect(text).toMatch(/server 127\.0\.0\.1:\d+ max_fails=2 fail_timeout=5s;/);
  });

  it('answers its own /_nginx/health', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/_nginx/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'nginx' });
  });

  it('sets the security headers on every answer, errors included', async () => {
    for (const path of ['/_nginx/health', '/api/v1/no-such-route', '/openapi.json']) {
      const response = await fetch(`${stackEnv.publicUrl}${path}`);
      await response.arrayBuffer();
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('compresses JSON for clients that accept gzip', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/openapi.json`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('answers CORS preflights itself; an origin outside CORS_ORIGINS gets no allow headers', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/api/v1/restaurants`, {
      method: 'OPTIONS',
      headers: { origin: 'https://not-allowed.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('logs one JSON line per request with the request id and the upstream timings', async () => {
    const requestId = `edge-${randomUUID()}`;
    const response = await fetch(`${stackEnv.publicUrl}/api/v1/restaurants?pageSize=1`, {
      headers: { 'x-request-id': requestId },
    });
    await response.arrayBuffer();
    expect(response.headers.get('x-request-id')).toBe(requestId);
    let line: string | undefined;
    for (let attempt = 0; attempt < 20 && !line; attempt += 1) {
      line = readFileSync(`${nginxDir}/logs/access.log`, 'utf8')
        .split('\n')
        .find((entry) => entry.includes(requestId));
      if (!line) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(line).toBeDefined();
    const entry = JSON.parse(line!) as Record<string, unknown>;
    expect(entry).toMatchObject({ request_id: requestId, method: 'GET', status: response.status });
    expect(entry.upstream).toMatch(/^127\.0\.0\.1:\d+$/);
    for (const field of ['upstream_connect_time', 'upstream_header_time', 'upstream_time'])
      expect(entry[field], field).toMatch(/^\d+\.\d{3}$/);
  });
});
