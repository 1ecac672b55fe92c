import { AccessTokens } from '@tablestack/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, LEAK_PATTERN, startUserService } from '../../test/user-service-harness.js';
import { BcryptHasher } from '../passwords/bcrypt-hasher.js';
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-token.js';

// POST /auth/* against the stack's real Postgres (primary + replicas) and Redis. Every test makes its
// own users (unique emails in the harness's domain); the harness deletes them and its Redis keys.
const PASSWORD = 'correct horse battery staple';
/** packages/db/src/seed/demo-password.ts: what every seeded user has (not exported by @tablestack/db). */
const DEMO_PASSWORD = 'tablestack-demo';
const DEMO_PASSWORD_HASH =
  'scrypt$16384$8$1$PFWLUCp+oWWQfUG8062XoQ==$KIXTtUxABaiLpmGEpP+PaXsFzHbCjS6loaqiXgCiZB2IefJmhUOWgTjryJtBFX8VHyfRfVwvT5Dfp2Rtdnm+Gg==';

let app: Harness;
beforeAll(async () => {
  app = await startUserService();
});
afterAll(async () => {
  await app?.close();
});

async function register(email = app.email(), password = PASSWORD, name = 'Ada Lovelace') {
  const answer = await app.request('POST', '/auth/register', { json: { email, password, name } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { accessToken: string; refreshToken: string; user: { id: string; email: string } };
}

const refresh = (refreshToken: string) => app.request('POST', '/auth/refresh', { json: { refreshToken } });
const tokenRow = (token: string) =>
  app.db.primary().refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(token) } });

describe('happy path', () => {
  it('registers: 201 with tokens, a normalized email, the user and its welcome email in the outbox', async () => {
    const email = app.email('Mixed.Case');
    const answer = await app.request('POST', '/auth/register', {
      json: { email: `  ${email.toUpperCase()}  `, password: PASSWORD, name: '  Ada Lovelace ' },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: app.env.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
      user: {
        id: expect.any(String),
        email: email.toLowerCase(),
        name: 'Ada Lovelace',
        role: 'USER',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const { user, accessToken, refreshToken } = answer.body;
    expect(await new AccessTokens(app.env).verify(accessToken)).toEqual({ userId: user.id, role: 'USER' });
    const stored = await app.db.primary().user.findUnique({ where: { id: user.id } });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const outbox = await app.db
      .primary()
      .outbox.findMany({ where: { payload: { path: ['userId'], equals: user.id } } });
    expect(outbox).toMatchObject([
      {
        queue: 'email',
        jobName: 'welcome',
        payload: { userId: user.id, email: user.email, name: 'Ada Lovelace' },
      },
    ]);
    // PENDING, or already SENT when the stack's worker relayed it in the meantime.
    expect(['PENDING', 'SENT']).toContain(outbox[0]!.status);
    // Only the token's hash is stored.
    const row = await tokenRow(refreshToken);
    expect(row).toMatchObject({ userId: user.id, revokedAt: null, rotatedAt: null });
    expect(JSON.stringify(row)).not.toContain(refreshToken);
  });

  it('registers and logs in with a 128-emoji password (lengths count characters, not UTF-16 units)', async () => {
    const email = app.email('emoji');
    const password = `${Array.from({ length: 126 }, (_, index) => ['🔑', '🍕', '🚀', '🌍'][index % 4]).join('')}a1`;
    expect(password.length).toBe(254); // UTF-16 units
    expect(
      (await app.request('POST', '/auth/register', { json: { email, password, name: 'Emoji' } })).status,
    ).toBe(201);
    expect((await app.request('POST', '/auth/login', { json: { email, password } })).status).toBe(200);
  });

  it('logs in with the same email in another case and spacing', async () => {
    const { user } = await register();
    const answer = await app.request('POST', '/auth/login', {
      json: { email: ` ${user.email.toUpperCase()}`, password: PASSWORD },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      tokenType: 'Bearer',
      user: { id: user.id },
      refreshToken: expect.any(String),
    });
    expect(await new AccessTokens(app.env).verify(answer.body.accessToken)).toEqual({
      userId: user.id,
      role: 'USER',
    });
  });

  it("logs a seeded user in with the seed's scrypt hash, then re-hashes it to argon2id (OWASP)", async () => {
    const email = app.email('seeded');
    const user = await app.db
      .write()
      .user.create({ data: { email, name: 'Seeded', passwordHash: DEMO_PASSWORD_HASH } });
    expect(
      (await app.request('POST', '/auth/login', { json: { email, password: 'wrong-password-1' } })).status,
    ).toBe(401);
    expect((await app.db.primary().user.findUnique({ where: { id: user.id } }))?.passwordHash).toBe(
      DEMO_PASSWORD_HASH,
    );

    expect(
      (await app.request('POST', '/auth/login', { json: { email, password: DEMO_PASSWORD } })).status,
    ).toBe(200);
    const rehashed = (await app.db.primary().user.findUnique({ where: { id: user.id } }))?.passwordHash;
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(
      (await app.request('POST', '/auth/login', { json: { email, password: DEMO_PASSWORD } })).status,
    ).toBe(200);
    expect((await app.db.primary().user.findUnique({ where: { id: user.id } }))?.passwordHash).toBe(rehashed);
  });

  it('re-hashes a bcrypt hash to argon2id at login', async () => {
    const email = app.email('bcrypt');
    const passwordHash = await new BcryptHasher(10).hash(PASSWORD);
    const user = await app.db.write().user.create({ data: { email, name: 'Bee', passwordHash } });
    expect((await app.request('POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(
      200,
    );
    expect((await app.db.primary().user.findUnique({ where: { id: user.id } }))?.passwordHash).toMatch(
      /^\$argon2id\$/,
    );
  });

  it('rotates a refresh token: the old one is marked rotated, the new one is in the same family', async () => {
    const { refreshToken, user } = await register();
    const answer = await refresh(refreshToken);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ tokenType: 'Bearer', user: { id: user.id } });
    const next = answer.body.refreshToken as string;
    expect(next).not.toBe(refreshToken);
    const [old, fresh] = [await tokenRow(refreshToken), await tokenRow(next)];
    expect(old?.rotatedAt).toBeInstanceOf(Date);
    expect(fresh).toMatchObject({ familyId: old?.familyId, rotatedAt: null, revokedAt: null });
    expect((await refresh(next)).status).toBe(200);
  });

  it('logs out: 204, the family is revoked in Postgres and the token remembered in Redis', async () => {
    const { refreshToken } = await register();
    const answer = await app.request('POST', '/auth/logout', { json: { refreshToken } });
    expect(answer.status).toBe(204);
    expect((await tokenRow(refreshToken))?.revokedAt).toBeInstanceOf(Date);
    expect(await app.redis.command.exists(`refresh-revoked:${hashRefreshToken(refreshToken)}`)).toBe(1);
    // Idempotent, and says nothing about tokens it does not know.
    expect((await app.request('POST', '/auth/logout', { json: { refreshToken } })).status).toBe(204);
    expect(
      (await app.request('POST', '/auth/logout', { json: { refreshToken: newRefreshToken().token } })).status,
    ).toBe(204);
  });
});

describe('error path', () => {
  const valid = { email: 'someone@example.test', password: PASSWORD, name: 'Someone' };
  it.each([
    ['register: not an email', '/auth/register', { ...valid, email: 'not-an-email' }, 'email'],
    [
      'register: an email over 254 characters',
      '/auth/register',
      { ...valid, email: `${'a'.repeat(250)}@example.test` },
      'email',
    ],
    ['register: a 6-character password', '/auth/register', { ...valid, password: 'short1' }, 'password'],
    [
      'register: a one-class password',
      '/auth/register',
      { ...valid, password: 'onlylowercaseletters' },
      'password',
    ],
    [
      'register: a 129-character password',
      '/auth/register',
      { ...valid, password: `${'ab1'.repeat(43)}` },
      'password',
    ],
    [
      'register: a password containing the email',
      '/auth/register',
      { ...valid, password: 'someone-is-me-42' },
      'password',
    ],
    ['register: a blank name', '/auth/register', { ...valid, name: '   ' }, 'name'],
    ['register: a 101-character name', '/auth/register', { ...valid, name: 'n'.repeat(101) }, 'name'],
    ['register: a control character in the name', '/auth/register', { ...valid, name: 'bell\u0007' }, 'name'],
    ['register: no name', '/auth/register', { email: valid.email, password: valid.password }, 'name'],
    ['register: an array body', '/auth/register', [valid], ''],
    ['login: no password', '/auth/login', { email: valid.email }, 'password'],
    [
      'login: a 129-character password',
      '/auth/login',
      { email: valid.email, password: 'p'.repeat(129) },
      'password',
    ],
    ['login: a number as email', '/auth/login', { email: 42, password: PASSWORD }, 'email'],
    ['refresh: no token', '/auth/refresh', {}, 'refreshToken'],
    ['refresh: a number as token', '/auth/refresh', { refreshToken: 12 }, 'refreshToken'],
    ['refresh: a 9-character token', '/auth/refresh', { refreshToken: 'not-a-tok' }, 'refreshToken'],
    ['logout: an empty token', '/auth/logout', { refreshToken: '' }, 'refreshToken'],
  ])('%s → 400 VALIDATION_FAILED', async (_name, path, json, field) => {
    const answer = await app.request('POST', path, { json });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, errors: expect.any(Array) });
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  });

  it('register without a JSON body → 400 VALIDATION_FAILED', async () => {
    const answer = await app.request('POST', '/auth/register', {
      raw: 'email=a@b.test',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it.each(['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout'])(
    '%s: malformed JSON → 400 MALFORMED_JSON',
    async (path) => {
      const answer = await app.request('POST', path, { raw: '{"email": "a@b.test",' });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'MALFORMED_JSON' });
    },
  );

  it.each(['/auth/register', '/auth/login'])('%s: a body over JSON_BODY_LIMIT → 413', async (path) => {
    const answer = await app.request('POST', path, {
      json: { email: 'a@b.test', password: 'x'.repeat(200_000), name: 'x' },
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it.each([
    ['the same email', (email: string) => email],
    ['the same email in capitals', (email: string) => email.toUpperCase()],
  ])('registering %s twice → 409 EMAIL_TAKEN', async (_name, variant) => {
    const { user } = await register();
    const answer = await app.request('POST', '/auth/register', {
      json: { email: variant(user.email), password: PASSWORD, name: 'Other' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'EMAIL_TAKEN', title: 'Email already registered' });
    expect(await app.db.primary().user.count({ where: { email: user.email } })).toBe(1);
  });

  it.each([
    ['an unknown token', 401, 'INVALID_REFRESH_TOKEN', () => newRefreshToken().token],
    ['a token of the wrong shape', 401, 'INVALID_REFRESH_TOKEN', () => `${'!'.repeat(42)}=`],
    [
      'an access token (too long for a refresh token)',
      400,
      'VALIDATION_FAILED',
      async () => (await register()).accessToken,
    ],
  ])('refreshing with %s → %i %s', async (_name, status, code, token) => {
    const answer = await refresh(await token());
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ code });
  });

  it('refreshing with an expired token → 401 REFRESH_TOKEN_EXPIRED', async () => {
    const { refreshToken } = await register();
    await app.db.write().refreshToken.update({
      where: { tokenHash: hashRefreshToken(refreshToken) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const answer = await refresh(refreshToken);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'REFRESH_TOKEN_EXPIRED' });
  });
});

describe('security path', () => {
  it('answers a wrong password and an unknown email with the same 401 INVALID_CREDENTIALS', async () => {
    const { user } = await register();
    const wrongPassword = await app.request('POST', '/auth/login', {
      json: { email: user.email, password: 'Wrong-password-1' },
    });
    const unknownEmail = await app.request('POST', '/auth/login', {
      json: { email: app.email('nobody'), password: PASSWORD },
    });
    for (const answer of [wrongPassword, unknownEmail]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
    const comparable = ({ requestId: _r, ...rest }: Record<string, unknown>) => rest;
    expect(comparable(wrongPassword.body)).toEqual(comparable(unknownEmail.body));
    expect(wrongPassword.body).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      detail: 'The email or the password is wrong.',
    });
  });

  it.each([
    ['role', { role: 'ADMIN' }],
    ['id', { id: '00000000-0000-4000-8000-000000000000' }],
    ['passwordHash', { passwordHash: '$argon2id$x' }],
  ])('refuses registration with a %s field (no mass assignment)', async (_field, extra) => {
    const email = app.email('mass');
    const answer = await app.request('POST', '/auth/register', {
      json: { email, password: PASSWORD, name: 'M', ...extra },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await app.db.primary().user.count({ where: { email } })).toBe(0);
  });

  it('reuse of a rotated refresh token revokes the whole family', async () => {
    const { refreshToken: first } = await register();
    const second = (await refresh(first)).body.refreshToken as string;
    const third = (await refresh(second)).body.refreshToken as string;

    const reused = await refresh(first); // the thief (or the victim) replays an old token
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ code: 'TOKEN_REUSED' });
    const family = await app.db
      .primary()
      .refreshToken.findMany({ where: { familyId: (await tokenRow(first))!.familyId } });
    expect(family).toHaveLength(3);
    expect(family.every((row) => row.revokedAt !== null)).toBe(true);
    // The family's live token is refused too, from Redis at once.
    expect(await app.redis.command.exists(`refresh-revoked:${hashRefreshToken(third)}`)).toBe(1);
    const live = await refresh(third);
    expect(live.status).toBe(401);
    expect(live.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
  });

  it('two concurrent refreshes with one token: one wins, the other counts as reuse and ends the family', async () => {
    const { refreshToken } = await register();
    const answers = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    const winner = answers.find((answer) => answer.status === 200)!;
    expect(answers.find((answer) => answer.status === 401)!.body).toMatchObject({ code: 'TOKEN_REUSED' });
    expect((await refresh(winner.body.refreshToken)).status).toBe(401);
  });

  it('logout then refresh → 401, with Redis and, when the Redis mark is gone, from Postgres', async () => {
    const { refreshToken } = await register();
    expect((await app.request('POST', '/auth/logout', { json: { refreshToken } })).status).toBe(204);
    const fromRedis = await refresh(refreshToken);
    expect(fromRedis.status).toBe(401);
    expect(fromRedis.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
    await app.redis.command.del(`refresh-revoked:${hashRefreshToken(refreshToken)}`);
    const fromPostgres = await refresh(refreshToken);
    expect(fromPostgres.status).toBe(401);
    expect(fromPostgres.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
  });

  it('logout with an older token of the family ends the current one too', async () => {
    const { refreshToken: first } = await register();
    const second = (await refresh(first)).body.refreshToken as string;
    expect((await app.request('POST', '/auth/logout', { json: { refreshToken: first } })).status).toBe(204);
    expect((await refresh(second)).status).toBe(401);
  });

  it('ignores identity headers on auth routes: registration is always a plain USER', async () => {
    const answer = await app.request('POST', '/auth/register', {
      json: { email: app.email('forged'), password: PASSWORD, name: 'F' },
      headers: { 'x-user-role': 'ADMIN', 'x-user-id': '00000000-0000-4000-8000-000000000000' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.user.role).toBe('USER');
  });
});

describe('with Redis unreachable', () => {
  let offline: Harness;
  beforeAll(async () => {
    // A port nobody listens on: every Redis command fails fast.
    offline = await startUserService({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await offline?.close();
  });

  it('still registers (user and outbox row committed), logs in, rotates and logs out', async () => {
    const email = offline.email('offline');
    const registered = await offline.request('POST', '/auth/register', {
      json: { email, password: PASSWORD, name: 'Offline' },
    });
    expect(registered.status, registered.text).toBe(201);
    const userId = registered.body.user.id as string;
    expect(
      await offline.db.primary().outbox.count({ where: { payload: { path: ['userId'], equals: userId } } }),
    ).toBe(1);
    const login = await offline.request('POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const rotated = await offline.request('POST', '/auth/refresh', {
      json: { refreshToken: login.body.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const token = rotated.body.refreshToken as string;
    expect((await offline.request('POST', '/auth/logout', { json: { refreshToken: token } })).status).toBe(
      204,
    );
    // The revocation is in Postgres even though Redis could not record it.
    const after = await offline.request('POST', '/auth/refresh', { json: { refreshToken: token } });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
    const me = await offline.request('GET', '/users/me', { as: { userId, role: 'USER' } });
    expect(me.status).toBe(200);
  });

  it('never answered 500 or leaked a stack', () => {
    for (const { status, body, what } of offline.responses) {
      expect(status, what).toBeLessThan(500);
      expect(body, what).not.toMatch(LEAK_PATTERN);
    }
  });
});

describe('every answer of this file', () => {
  it('was below 500 and carried no stack trace', () => {
    expect(app.responses.length).toBeGreaterThan(40);
    for (const { status, body, what } of app.responses) {
      expect(status, what).toBeLessThan(500);
      expect(body, what).not.toMatch(LEAK_PATTERN);
    }
  });
});
