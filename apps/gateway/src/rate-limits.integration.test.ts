import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import { createLogger } from '@tablestack/service-kit';
import { TcpFaultProxy } from '@tablestack/test-tooling';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRateLimitClasses } from './rate-limit-classes.js';
import { createServer } from './server.js';
import { startTestUpstream } from './test-upstream.js';

// Two in-process gateways stand for two replicas; they share the stack's real Redis (REDIS_URL),
// each test under its own service name, so its counters are its own.
const logger = createLogger({ name: 'gateway', level: 'silent' });
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const LIMIT = 10;
const classes = Object.fromEntries(
  Object.entries(defaultRateLimitClasses).map(([name, spec]) => [name, { ...spec, limit: LIMIT }]),
) as typeof defaultRateLimitClasses;

async function replicas(options: { redisUrl?: string; shadow?: string[]; upstream: string }) {
  const service = `gateway-it-${randomUUID().slice(0, 8)}`;
  const bases: string[] = [];
  for (let index = 0; index < 2; index += 1) {
    const redis = new RedisConnections({
      env: redisEnvSchema.parse({
        REDIS_URL: options.redisUrl ?? process.env.REDIS_URL,
        REDIS_COMMAND_TIMEOUT_MS: '200',
        REDIS_CONNECT_TIMEOUT_MS: '200',
      }),
      service,
      logger,
    });
    // A command sent before the connection is ready fails fast (no offline queue) and would be
    // counted by the in-memory fallback instead; real gateways open it at boot (warmUp).
    if (!options.redisUrl) await redis.whenReady('command', 5000);
    const gateway = createServer({
      env: {
        USER_SERVICE_URLS: [options.upstream],
        RESTAURANT_SERVICE_URLS: [options.upstream],
        UPSTREAM_TIMEOUT_MS: 2000,
        TRUST_PROXY: 'loopback',
      },
      logger,
      limits: {
        redis: redis.command,
        classes,
        replicas: 2,
        shadow: new Set(options.shadow ?? []),
        login: { maxFailures: 3, windowSeconds: 60, blockSeconds: 60 },
      },
    });
    const server = gateway.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    closers.push(
      () => redis.close(),
      () => gateway.agent.destroy(),
      () => gateway.pools.forEach((pool) => pool.close()),
      () => server.close(),
    );
  }
  return bases;
}

async function upstream() {
  const started = await startTestUpstream((req, res) => {
    if (req.url === '/auth/login') {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const { password } = JSON.parse(body) as { password: string };
        res.statusCode = password === 'right' ? 200 : 401;
        res.end(JSON.stringify({ received: JSON.parse(body) }));
      });
      return;
    }
    res.end('{}');
  });
  closers.push(started.close);
  return started.url;
}

/** `count` requests spread over the replicas in turn, as nginx would; returns the statuses. */
async function spread(bases: string[], count: number, path = '/api/v1/restaurants') {
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      fetch(`${bases[index % bases.length]}${path}`).then(async (response) => {
        await response.arrayBuffer();
        return { status: response.status, headers: response.headers };
      }),
    ),
  );
}

describe('rate limits across gateway replicas', () => {
  it('let through N per window in total, not N per replica, with RateLimit headers and 429 problems', async () => {
    const bases = await replicas({ upstream: await upstream() });
    const results = await spread(bases, LIMIT + 8);
    expect(results.filter((result) => result.status === 200)).toHaveLength(LIMIT);
    const refused = results.filter((result) => result.status === 429);
    expect(refused).toHaveLength(8);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.headers.get('content-type')).toContain('application/problem+json');
    expect(results[0]!.headers.get('ratelimit-policy')).toBe(`"public-read";q=${LIMIT};w=60`);
    expect(results[0]!.headers.get('ratelimit')).toMatch(/^"public-read";r=\d+;t=\d+$/);
  });

  it('in shadow mode only log what they would refuse', async () => {
    const bases = await replicas({ upstream: await upstream(), shadow: ['public-read'] });
    const results = await spread(bases, LIMIT + 5);
    expect(results.every((result) => result.status === 200)).toBe(true);
  });

  it('keep applying per replica while Redis is down, and nothing answers 500', async () => {
    const redisPort = Number(new URL(process.env.REDIS_URL!).port);
    const proxy = await new TcpFaultProxy({ target: { host: '127.0.0.1', port: redisPort } }).start();
    closers.push(() => proxy.stop());
    const bases = await replicas({
      upstream: await upstream(),
      redisUrl: proxy.rewrite(process.env.REDIS_URL!),
    });
    proxy.setMode('refuse');
    const results = await spread(bases, LIMIT * 2);
    expect(results.filter((result) => result.status >= 500)).toEqual([]);
    // Each replica allows its share (LIMIT / 2): LIMIT in total again.
    expect(results.filter((result) => result.status === 200)).toHaveLength(LIMIT);
  });
});

describe('login brute-force protection', () => {
  const login = (base: string, email: string, password: string) =>
    fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  it('blocks an email + IP after consecutive failures, on every replica, and passes the body through intact', async () => {
    const bases = await replicas({ upstream: await upstream() });
    const email = `victim-${randomUUID()}@example.test`;
    const first = await login(bases[0]!, email, 'wrong');
    expect(first.status).toBe(401);
    expect(await first.json()).toEqual({ received: { email, password: 'wrong' } });
    for (let attempt = 1; attempt < 3; attempt += 1)
      expect((await login(bases[attempt % 2]!, email, 'wrong')).status).toBe(401);

    const blocked = await login(bases[1]!, email, 'right');
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { code: string }).code).toBe('LOGIN_BLOCKED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(1);
    expect((await login(bases[0]!, `other-${randomUUID()}@example.test`, 'right')).status).toBe(200);
  });

  it('clears the count on a successful login', async () => {
    const bases = await replicas({ upstream: await upstream() });
    const email = `forgetful-${randomUUID()}@example.test`;
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect((await login(bases[0]!, email, 'wrong')).status).toBe(401);
    expect((await login(bases[0]!, email, 'right')).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect((await login(bases[1]!, email, 'wrong')).status).toBe(401);
    expect((await login(bases[1]!, email, 'right')).status).toBe(200);
  });

  it('answers 400 problem+json for a malformed login body', async () => {
    const bases = await replicas({ upstream: await upstream() });
    const response = await fetch(`${bases[0]}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('MALFORMED_JSON');
  });
});
