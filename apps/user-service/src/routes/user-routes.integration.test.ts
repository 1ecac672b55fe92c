import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADERS } from '@tablestack/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, LEAK_PATTERN, startUserService } from '../../test/user-service-harness.js';

// GET/PATCH /users/me and GET /users/by-email/:email against the stack's real Postgres and Redis,
// with identity headers set as the gateway sets them (x-user-id, x-user-role, x-internal-auth).
const PASSWORD = 'correct horse battery staple';
const ADMIN = { userId: randomUUID(), role: 'ADMIN' as const };

let app: Harness;
beforeAll(async () => {
  app = await startUserService();
});
afterAll(async () => {
  await app?.close();
});

async function register(name = 'Grace Hopper') {
  const email = app.email();
  const answer = await app.request('POST', '/auth/register', { json: { email, password: PASSWORD, name } });
  expect(answer.status, answer.text).toBe(201);
  const user = answer.body.user as { id: string; email: string; name: string; role: 'USER' };
  return {
    user,
    as: { userId: user.id, role: 'USER' as const },
    refreshToken: answer.body.refreshToken as string,
  };
}

describe('happy path', () => {
  it('GET /users/me answers the caller, privately, with an ETag that gives a 304', async () => {
    const { user, as } = await register();
    const answer = await app.request('GET', '/users/me', { as });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(user);
    expect(answer.body).not.toHaveProperty('passwordHash');
    expect(answer.headers.get('cache-control')).toBe('private, max-age=0');
    const etag = answer.headers.get('etag')!;
    const again = await app.request('GET', '/users/me', { as, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('PATCH /users/me changes the name, and the next GET (cached before) shows it', async () => {
    const { as } = await register('Old Name');
    expect((await app.request('GET', '/users/me', { as })).body.name).toBe('Old Name'); // now cached
    const patched = await app.request('PATCH', '/users/me', { as, json: { name: '  New Name ' } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ id: as.userId, name: 'New Name', role: 'USER' });
    expect((await app.request('GET', '/users/me', { as })).body.name).toBe('New Name');
  });

  it('PATCH /users/me with password and currentPassword: new password works, old one and every session end', async () => {
    const { user, as, refreshToken } = await register();
    const next = 'a much better passphrase 2';
    const patched = await app.request('PATCH', '/users/me', {
      as,
      json: { password: next, currentPassword: PASSWORD },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ id: user.id });
    const login = (password: string) =>
      app.request('POST', '/auth/login', { json: { email: user.email, password } });
    expect((await login(PASSWORD)).status).toBe(401);
    expect((await login(next)).status).toBe(200);
    const refreshed = await app.request('POST', '/auth/refresh', { json: { refreshToken } });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
  });

  it('GET /users/by-email/:email finds a user for an admin, whatever the case of the email', async () => {
    const { user } = await register();
    const answer = await app.request(
      'GET',
      `/users/by-email/${encodeURIComponent(user.email.toUpperCase())}`,
      { as: ADMIN },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(user);
  });

  it('an unknown email is 404, and no longer once it registers (the cached miss is invalidated)', async () => {
    const email = app.email('later');
    const lookup = () => app.request('GET', `/users/by-email/${encodeURIComponent(email)}`, { as: ADMIN });
    const missing = await lookup();
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      (await app.request('POST', '/auth/register', { json: { email, password: PASSWORD, name: 'Later' } }))
        .status,
    ).toBe(201);
    const found = await lookup();
    expect(found.status).toBe(200);
    expect(found.body.email).toBe(email);
  });
});

describe('error path', () => {
  it.each([
    ['an empty body', {}, ''],
    ['a blank name', { name: ' ' }, 'name'],
    ['a 101-character name', { name: 'n'.repeat(101) }, 'name'],
    ['a password without currentPassword', { password: 'a much better passphrase 2' }, 'currentPassword'],
    ['a password that breaks the policy', { password: 'short', currentPassword: PASSWORD }, 'password'],
    ['an array body', ['Grace'], ''],
  ])('PATCH /users/me with %s → 400 VALIDATION_FAILED', async (_name, json, field) => {
    const { as } = await register();
    const answer = await app.request('PATCH', '/users/me', { as, json });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: expect.any(Array) });
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  });

  it('PATCH /users/me with a password containing the email → 400 VALIDATION_FAILED', async () => {
    const { user, as } = await register();
    const local = user.email.split('@')[0]!;
    const answer = await app.request('PATCH', '/users/me', {
      as,
      json: { password: `x-${local}-X9`, currentPassword: PASSWORD },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'password', message: 'must not contain the email address' }],
    });
  });

  it('PATCH /users/me with a wrong currentPassword → 403 INVALID_CURRENT_PASSWORD, password unchanged', async () => {
    const { user, as } = await register();
    const answer = await app.request('PATCH', '/users/me', {
      as,
      json: { password: 'a much better passphrase 2', currentPassword: 'not-my-password-1' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'INVALID_CURRENT_PASSWORD' });
    expect(
      (await app.request('POST', '/auth/login', { json: { email: user.email, password: PASSWORD } })).status,
    ).toBe(200);
  });

  it('PATCH /users/me with malformed JSON → 400 MALFORMED_JSON; with an oversized body → 413', async () => {
    const { as } = await register();
    expect((await app.request('PATCH', '/users/me', { as, raw: '{"name":' })).body).toMatchObject({
      status: 400,
      code: 'MALFORMED_JSON',
    });
    const big = await app.request('PATCH', '/users/me', { as, json: { name: 'x'.repeat(200_000) } });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('GET /users/by-email/:email with something that is not an email → 400', async () => {
    const answer = await app.request('GET', '/users/by-email/not-an-email', { as: ADMIN });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('GET /users/me for a user that no longer exists → 404', async () => {
    const answer = await app.request('GET', '/users/me', { as: { userId: randomUUID(), role: 'USER' } });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('security path', () => {
  type Headers = Record<string, string>;
  const forged = (role: string, secret?: string): Headers => ({
    [IDENTITY_HEADERS.userId]: ADMIN.userId,
    [IDENTITY_HEADERS.role]: role,
    ...(secret === undefined ? {} : { [IDENTITY_HEADERS.internalAuth]: secret }),
  });
  const routes: Array<[string, string, unknown]> = [
    ['GET', '/users/me', undefined],
    ['PATCH', '/users/me', { name: 'Mallory' }],
    ['GET', '/users/by-email/someone%40example.test', undefined],
  ];
  // Functions: the right secret is known only once the harness has parsed its env.
  const callers: Array<[string, () => Headers]> = [
    ['no identity', () => ({})],
    ['identity headers without the internal secret', () => forged('ADMIN')],
    ['identity headers with a wrong internal secret', () => forged('ADMIN', 'guessed-secret-guessed-secret')],
    [
      'the internal secret with a different case',
      () => forged('ADMIN', app.env.INTERNAL_AUTH_SECRET.toUpperCase()),
    ],
    ['the right secret but an unknown role', () => forged('ROOT', app.env.INTERNAL_AUTH_SECRET)],
  ];
  describe.each(callers)('%s', (_caller, headers) => {
    it.each(routes)('%s %s → 401 UNAUTHORIZED', async (method, path, json) => {
      const answer = await app.request(method, path, { headers: headers(), json });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'UNAUTHORIZED' });
    });
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { name: 'x' }],
  ])(
    '%s /users/me with a forwarded user id that is not a UUID → 401, not a database error',
    async (method, json) => {
      const answer = await app.request(method, '/users/me', {
        as: { userId: "1' or '1'='1", role: 'USER' },
        json,
      });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'UNAUTHORIZED' });
    },
  );

  it('a user on the admin route → 403 FORBIDDEN', async () => {
    const { user, as } = await register();
    const answer = await app.request('GET', `/users/by-email/${encodeURIComponent(user.email)}`, { as });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each([
    ['role', { role: 'ADMIN' }],
    ['email', { email: 'takeover@example.test' }],
    ['role next to an allowed name', { name: 'Fine', role: 'ADMIN' }],
    ['passwordHash', { passwordHash: '$argon2id$x' }],
    ['id', { id: ADMIN.userId }],
  ])('PATCH /users/me with %s → 400, nothing changed', async (_name, json) => {
    const { user, as } = await register('Unchanged');
    const answer = await app.request('PATCH', '/users/me', { as, json });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const stored = await app.db.primary().user.findUnique({ where: { id: user.id } });
    expect(stored).toMatchObject({ role: 'USER', email: user.email, name: 'Unchanged' });
  });

  it('a user changes only their own profile, whatever the body says', async () => {
    const alice = await register('Alice');
    const bob = await register('Bob');
    expect((await app.request('PATCH', '/users/me', { as: bob.as, json: { name: 'Bob 2' } })).status).toBe(
      200,
    );
    expect((await app.request('GET', '/users/me', { as: alice.as })).body.name).toBe('Alice');
  });
});

describe('every answer of this file', () => {
  it('was below 500 and carried no stack trace', () => {
    expect(app.responses.length).toBeGreaterThan(30);
    for (const { status, body, what } of app.responses) {
      expect(status, what).toBeLessThan(500);
      expect(body, what).not.toMatch(LEAK_PATTERN);
    }
  });
});
