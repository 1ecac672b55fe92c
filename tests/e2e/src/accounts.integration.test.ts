import { randomUUID } from 'node:crypto';
import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

// Accounts end to end: nginx → gateway (token verification, identity forwarding, limits) →
// user-service → Postgres. Every request here comes from 127.0.0.1, so the public write counter
// of that address is reset first.
let gatewayRedis: RedisConnections;
const api = (path: string) => `${stackEnv.publicUrl}/api/v1${path}`;
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  gatewayRedis = new RedisConnections({
    env: redisEnvSchema.parse({ REDIS_URL: process.env.REDIS_URL }),
    service: 'gateway',
    logger: { info() {}, warn() {}, error() {} },
  });
  await gatewayRedis.whenReady('command', 5000);
  await gatewayRedis.command.del('rl:public-write:ip:127.0.0.1');
});

afterAll(async () => {
  await gatewayRedis.close();
});

describe('accounts through the gateway', () => {
  it('register, read and change the profile, refresh, log out', async () => {
    const email = `e2e-${randomUUID()}@example.test`;
    const registered = await fetch(api('/auth/register'), json({ email, password: 'Correct horse 42', name: 'E2E' }));
    expect(registered.status).toBe(201);
    const tokens = (await registered.json()) as { accessToken: string; refreshToken: string; user: { email: string } };
    expect(tokens.user.email).toBe(email);
    const bearer = { authorization: `Bearer ${tokens.accessToken}` };

    const me = await fetch(api('/users/me'), { headers: bearer });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email, name: 'E2E', role: 'USER' });

    const renamed = await fetch(api('/users/me'), { method: 'PATCH', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renamed' }) });
    expect(renamed.status).toBe(200);
    // Right after the write, the same user reads it (the gateway carries the write's WAL position).
    expect(await (await fetch(api('/users/me'), { headers: bearer })).json()).toMatchObject({ name: 'Renamed' });

    const refreshed = await fetch(api('/auth/refresh'), json({ refreshToken: tokens.refreshToken }));
    expect(refreshed.status).toBe(200);
    const rotated = (await refreshed.json()) as { refreshToken: string };
    // The old refresh token was rotated: using it again revokes the family.
    expect((await fetch(api('/auth/refresh'), json({ refreshToken: tokens.refreshToken }))).status).toBe(401);
    expect((await fetch(api('/auth/refresh'), json({ refreshToken: rotated.refreshToken }))).status).toBe(401);
  });

  it('registration sends the welcome email (outbox → worker → SMTP sink)', async () => {
    const email = `e2e-welcome-${randomUUID()}@example.test`;
    const registered = await fetch(api('/auth/register'), json({ email, password: 'Correct horse 42', name: 'Welcome' }));
    expect(registered.status).toBe(201);
    const mailApi = process.env.MAIL_API_URL;
    expect(mailApi, 'MAIL_API_URL must point at the stack mail sink').toBeTruthy();
    let received: Array<{ subject: string }> = [];
    for (let attempt = 0; attempt < 150 && received.length === 0; attempt += 1) {
      const inbox = (await (await fetch(`${mailApi}/email`)).json()) as Array<{ subject: string; to: Array<{ address: string }> }>;
      received = inbox.filter((mail) => mail.to.some((to) => to.address === email));
      if (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toMatch(/welcome/i);
  }, 30_000);

  it.each([
    ['no token', {}],
    ['a forged identity header', { 'x-user-id': randomUUID(), 'x-user-role': 'ADMIN', 'x-internal-auth': 'guess' }],
    ['a garbage token', { authorization: 'Bearer abc.def.ghi' }],
  ])('answers 401 problem+json for /users/me with %s', async (_name, headers) => {
    const response = await fetch(api('/users/me'), { headers: headers as Record<string, string> });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a profile update that tries to change the role (no mass assignment)', async () => {
    const email = `e2e-${randomUUID()}@example.test`;
    const registered = (await (await fetch(api('/auth/register'), json({ email, password: 'Correct horse 42', name: 'E2E' }))).json()) as { accessToken: string };
    const response = await fetch(api('/users/me'), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${registered.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', role: 'ADMIN' }),
    });
    expect(response.status).toBe(400);
  });
});
