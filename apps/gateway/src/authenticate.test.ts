import { AccessTokens, authEnvSchema, IDENTITY_HEADERS } from '@tablestack/auth';
import { createLogger } from '@tablestack/service-kit';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './server.js';
import { listenTestGateway } from './test-gateway.js';
import { echo, startTestUpstream } from './test-upstream.js';

const env = authEnvSchema.parse({});
const tokens = new AccessTokens(env);
const alice = { userId: '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b', role: 'USER' as const };
let base = '';
const closers: Array<() => unknown> = [];

beforeAll(async () => {
  const upstream = await startTestUpstream(echo);
  closers.push(upstream.close);
  const service = createServer({
    env: {
      USER_SERVICE_URLS: [upstream.url],
      RESTAURANT_SERVICE_URLS: [upstream.url],
      WORKER_URLS: [upstream.url],
      UPSTREAM_TIMEOUT_MS: 2000,
      TRUST_PROXY: 'loopback',
      INTERNAL_AUTH_SECRET: env.INTERNAL_AUTH_SECRET,
    },
    logger: createLogger({ name: 'gateway', level: 'silent' }),
    tokens,
  });
  const gateway = await listenTestGateway(service);
  base = gateway.base;
  closers.push(gateway.close);
});
afterAll(() => closers.forEach((close) => close()));

const forged = {
  [IDENTITY_HEADERS.userId]: 'someone-else',
  [IDENTITY_HEADERS.role]: 'ADMIN',
  [IDENTITY_HEADERS.internalAuth]: 'guess',
};
type Seen = { headers: Record<string, string> };

describe('authentication at the gateway', () => {
  it('forwards the verified identity with the internal secret', async () => {
    const response = await fetch(`${base}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${await tokens.issue(alice)}` },
    });
    const seen = (await response.json()) as Seen;
    expect(seen.headers[IDENTITY_HEADERS.userId]).toBe(alice.userId);
    expect(seen.headers[IDENTITY_HEADERS.role]).toBe('USER');
    expect(seen.headers[IDENTITY_HEADERS.internalAuth]).toBe(env.INTERNAL_AUTH_SECRET);
  });

  it('routes /admin/queues to the worker with the verified identity, path unchanged', async () => {
    const admin = await tokens.issue({ userId: alice.userId, role: 'ADMIN' });
    const seen = (await (
      await fetch(`${base}/admin/queues/email/failed`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as Seen & { url: string };
    expect(seen, JSON.stringify(seen).slice(0, 300)).toHaveProperty('url', '/admin/queues/email/failed');
    expect(seen.headers[IDENTITY_HEADERS.role]).toBe('ADMIN');
    const anonymous = (await (await fetch(`${base}/admin/queues`, { headers: forged })).json()) as Seen;
    expect(anonymous.headers[IDENTITY_HEADERS.role]).toBeUndefined();
  });

  it('trades an admin token for a session cookie that opens /admin/queues in a browser', async () => {
    const admin = await tokens.issue({ userId: alice.userId, role: 'ADMIN' });
    const session = await fetch(`${base}/admin/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^tablestack_admin=[^;]+; Max-Age=\d+; Path=\/admin; Expires=[^;]+; HttpOnly; SameSite=Strict$/,
    );
    const seen = (await (
      await fetch(`${base}/admin/queues`, { headers: { cookie: cookie.split(';')[0]!, ...forged } })
    ).json()) as Seen;
    expect(seen.headers[IDENTITY_HEADERS.role]).toBe('ADMIN');
    expect(seen.headers[IDENTITY_HEADERS.userId]).toBe(alice.userId);

    const signOut = await fetch(`${base}/admin/session`, { method: 'DELETE' });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(
      /^tablestack_admin=; Path=\/admin; Expires=Thu, 01 Jan 1970/,
    );
    const login = await fetch(`${base}/admin/login`);
    expect(login.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await login.text()).toContain('/admin/login.js');
  });

  it.each([
    ['no token', 'none', 401],
    ['a user token', 'user', 403],
    ['a tampered token', 'tampered', 401],
  ])('refuses an admin session for %s', async (_name, kind, status) => {
    const user = await tokens.issue(alice);
    const header =
      kind === 'user' ? `Bearer ${user}` : kind === 'tampered' ? `Bearer ${user.slice(0, -3)}abc` : undefined;
    const response = await fetch(`${base}/admin/session`, {
      method: 'POST',
      headers: header ? { authorization: header } : {},
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('treats a forged session cookie like a forged bearer token: 401', async () => {
    const response = await fetch(`${base}/admin/queues`, {
      headers: { cookie: 'tablestack_admin=not.a.jwt' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('drops identity headers a client sends itself', async () => {
    const anonymous = (await (await fetch(`${base}/api/v1/users/me`, { headers: forged })).json()) as Seen;
    expect(anonymous.headers[IDENTITY_HEADERS.userId]).toBeUndefined();
    expect(anonymous.headers[IDENTITY_HEADERS.internalAuth]).toBeUndefined();
    const withToken = (await (
      await fetch(`${base}/api/v1/users/me`, {
        headers: { ...forged, authorization: `Bearer ${await tokens.issue(alice)}` },
      })
    ).json()) as Seen;
    expect(withToken.headers[IDENTITY_HEADERS.userId]).toBe(alice.userId);
    expect(withToken.headers[IDENTITY_HEADERS.role]).toBe('USER');
  });

  const secret = new TextEncoder().encode(env.JWT_SECRET);
  const claims = () =>
    new SignJWT({ role: 'ADMIN' }).setSubject(alice.userId).setIssuer(env.JWT_ISSUER).setIssuedAt();
  it.each([
    ['a tampered signature', async () => `${(await tokens.issue(alice)).slice(0, -3)}abc`, 'INVALID_TOKEN'],
    [
      'alg: none',
      async () =>
        new UnsecuredJWT({ role: 'ADMIN' })
          .setSubject(alice.userId)
          .setIssuer(env.JWT_ISSUER)
          .setAudience(env.JWT_AUDIENCE)
          .setExpirationTime('1h')
          .encode(),
      'INVALID_TOKEN',
    ],
    [
      'the wrong audience',
      async () =>
        claims()
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setAudience('other')
          .setExpirationTime('1h')
          .sign(secret),
      'INVALID_TOKEN',
    ],
    [
      'an expired token',
      async () =>
        claims()
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setAudience(env.JWT_AUDIENCE)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
          .sign(secret),
      'TOKEN_EXPIRED',
    ],
    ['a malformed header', async () => 'not-a-token with spaces', 'INVALID_TOKEN'],
  ])('answers 401 problem+json for %s, without calling the upstream', async (_name, make, code) => {
    const response = await fetch(`${base}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${await make()}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    const body = (await response.json()) as { code: string; detail: string };
    expect(body.code).toBe(code);
    expect(JSON.stringify(body)).not.toMatch(/\\n\s+at |"stack"/);
  });
});
