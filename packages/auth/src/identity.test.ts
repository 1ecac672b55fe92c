import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADERS, requireAdmin, requireUser, trustGatewayIdentity } from './identity.js';

const SECRET = 'internal-secret-for-tests';
let base = '';
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.use(trustGatewayIdentity(SECRET));
  app.get('/whoami', (req, res) => {
    res.json(req.identity ?? null);
  });
  app.get('/me', (req, res) => {
    res.json(requireUser(req));
  });
  app.get('/admin', (req, res) => {
    res.json(requireAdmin(req));
  });
  app.use(
    (
      error: { status?: number; code?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(error.status ?? 500).json({ code: error.code });
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const from = (headers: Record<string, string>) => ({ headers });
const gateway = (role: string) =>
  from({
    [IDENTITY_HEADERS.userId]: 'u1',
    [IDENTITY_HEADERS.role]: role,
    [IDENTITY_HEADERS.internalAuth]: SECRET,
  });

describe('trustGatewayIdentity', () => {
  it('believes identity headers that come with the gateway secret', async () => {
    expect(await (await fetch(`${base}/whoami`, gateway('USER'))).json()).toEqual({
      userId: 'u1',
      role: 'USER',
    });
  });

  it.each([
    ['no secret', from({ [IDENTITY_HEADERS.userId]: 'u1', [IDENTITY_HEADERS.role]: 'ADMIN' })],
    [
      'a wrong secret',
      from({
        [IDENTITY_HEADERS.userId]: 'u1',
        [IDENTITY_HEADERS.role]: 'ADMIN',
        [IDENTITY_HEADERS.internalAuth]: 'guess',
      }),
    ],
    [
      'an unknown role',
      from({
        [IDENTITY_HEADERS.userId]: 'u1',
        [IDENTITY_HEADERS.role]: 'ROOT',
        [IDENTITY_HEADERS.internalAuth]: SECRET,
      }),
    ],
  ])('treats a request with %s as anonymous', async (_name, init) => {
    expect(await (await fetch(`${base}/whoami`, init)).json()).toBeNull();
  });

  it('answers 401 without identity and 403 for a user on admin routes', async () => {
    expect((await fetch(`${base}/me`)).status).toBe(401);
    expect((await fetch(`${base}/admin`, gateway('USER'))).status).toBe(403);
    expect((await fetch(`${base}/admin`, gateway('ADMIN'))).status).toBe(200);
  });
});
