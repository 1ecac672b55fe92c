import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tablestack/service-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './server.js';
import { refusingUpstreamUrls } from './test-upstream.js';

/** A real upstream that answers with what it received, so tests see what the gateway forwarded. */
async function startUpstream(name: string, delayMs = 0): Promise<{ server: Server; url: string }> {
  const server = createHttpServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        upstream: name,
        url: req.url,
        headers: req.headers,
        bodyLength: Buffer.concat(chunks).length,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// Not a server closed here: its port could be given to the gateway's own listen(0) (see refusingUpstreamUrls).
async function closedPortUrl(): Promise<string> {
  return refusingUpstreamUrls[0];
}

const opened: Server[] = [];
async function startGateway(users: string[], restaurants: string[], timeoutMs = 2000) {
  const service = createServer({
    env: {
      USER_SERVICE_URLS: users,
      RESTAURANT_SERVICE_URLS: restaurants,
      UPSTREAM_TIMEOUT_MS: timeoutMs,
      TRUST_PROXY: 'loopback',
    },
    logger: createLogger({ name: 'gateway', level: 'silent' }),
  });
  const server = service.app.listen(0, '127.0.0.1');
  opened.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, service };
}

type Echo = { upstream: string; url: string; headers: Record<string, string>; bodyLength: number };

describe('gateway', () => {
  const upstreams: Server[] = [];
  let userA = '';
  let userB = '';
  let restaurant = '';
  let slow = '';

  beforeAll(async () => {
    const started = await Promise.all([
      startUpstream('user-a'),
      startUpstream('user-b'),
      startUpstream('restaurant'),
      startUpstream('slow', 1500),
    ]);
    upstreams.push(...started.map((s) => s.server));
    [userA, userB, restaurant, slow] = started.map((s) => s.url) as [string, string, string, string];
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  afterAll(async () => {
    await Promise.all(upstreams.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('routes /api/v1/users and /auth to the user-service replicas in turn, without the prefix', async () => {
    const { base } = await startGateway([userA, userB], [restaurant]);
    const seen: Echo[] = [];
    for (const path of ['/api/v1/users/me', '/api/v1/users/me', '/api/v1/auth/login?x=1']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      seen.push((await response.json()) as Echo);
    }
    expect(seen.map((echo) => echo.upstream)).toEqual(['user-a', 'user-b', 'user-a']);
    expect(seen.map((echo) => echo.url)).toEqual(['/users/me', '/users/me', '/auth/login?x=1']);
  });

  it('routes /api/v1/restaurants and /reviews to the restaurant-service', async () => {
    const { base } = await startGateway([userA], [restaurant]);
    for (const [path, url] of [
      ['/api/v1/restaurants?city=Lyon', '/restaurants?city=Lyon'],
      ['/api/v1/reviews/7', '/reviews/7'],
    ]) {
      const echo = (await (await fetch(`${base}${path}`)).json()) as Echo;
      expect(echo).toMatchObject({ upstream: 'restaurant', url });
    }
  });

  it('forwards the request id (given or made) and x-forwarded-*', async () => {
    const { base } = await startGateway([userA], [restaurant]);
    const given = await fetch(`${base}/api/v1/users/me`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    expect(((await given.json()) as Echo).headers['x-request-id']).toBe('abc-123');

    const made = await fetch(`${base}/api/v1/users/me`);
    const echo = (await made.json()) as Echo;
    expect(echo.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(echo.headers['x-request-id']).toBe(made.headers.get('x-request-id'));
    expect(echo.headers['x-forwarded-for']).toContain('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
  });

  it('streams bodies through untouched: no parser and no limit of its own at the gateway', async () => {
    const { base } = await startGateway([userA], [restaurant]);
    const body = JSON.stringify({ blob: 'x'.repeat(300_000) });
    const response = await fetch(`${base}/api/v1/users/me`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(((await response.json()) as Echo).bodyLength).toBe(Buffer.byteLength(body));
  });

  it('answers 502 problem+json when an upstream refuses connections', async () => {
    const { base } = await startGateway([await closedPortUrl()], [restaurant]);
    const response = await fetch(`${base}/api/v1/users/me`, { headers: { 'x-request-id': 'down-1' } });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await response.json()).toMatchObject({
      code: 'BAD_GATEWAY',
      requestId: 'down-1',
      detail: 'user-service is unavailable',
    });
  });

  it('answers 504 problem+json when an upstream is slower than its timeout', async () => {
    const { base } = await startGateway([userA], [slow], 300);
    const response = await fetch(`${base}/api/v1/restaurants`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ code: 'GATEWAY_TIMEOUT' });
  });

  it('proxies each upstream /health, and /ready fails when an upstream has no healthy replica', async () => {
    const { base } = await startGateway([userA, await closedPortUrl()], [restaurant]);
    const health = await fetch(`${base}/upstreams/user-service/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    const down = await startGateway([userA], [await closedPortUrl()]);
    const ready = await fetch(`${down.base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      checks: { 'user-service': { ok: true }, 'restaurant-service': { ok: false } },
    });
  });

  it('answers 404 problem+json for routes no upstream owns', async () => {
    const { base } = await startGateway([userA], [restaurant]);
    const response = await fetch(`${base}/api/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('API docs', () => {
  it('serves the OpenAPI 3.1 document and the docs page with its assets', async () => {
    const { base } = await startGateway(['http://127.0.0.1:9'], ['http://127.0.0.1:9']);
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/api/v1/restaurants/{id}');
    const page = await fetch(`${base}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/docs/assets/swagger-ui-bundle.js');
    const bundle = await fetch(`${base}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });
});
