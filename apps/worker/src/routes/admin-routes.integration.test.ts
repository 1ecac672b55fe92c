import type { Database } from '@tablestack/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropNamespace, type Harness, identityHeaders, serve, startRuntime } from '../../test/harness.js';
import { openDatabase, uniqueId } from '../../test/support.js';

const db: Database = openDatabase();
const namespace = uniqueId('admin');
let harness: Harness;
let http: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  harness = startRuntime(db, { namespace, env: { WORKER_QUEUES: 'email', OUTBOX_RELAY_ENABLED: 'false' } });
  http = await serve(harness);
});
afterAll(async () => {
  await http.close();
  await harness.close();
  await dropNamespace(db, namespace);
  await db.close();
});

const replay = (headers: Record<string, string>, queue = 'email', body: unknown = {}) =>
  fetch(`${http.url}/admin/queues/${queue}/failed/replay`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const board = (headers: Record<string, string>) => fetch(`${http.url}/admin/queues`, { headers });

describe.each([
  ['no identity', {}, 401, 'UNAUTHORIZED'],
  [
    'an identity without the internal secret',
    { 'x-user-id': 'u', 'x-user-role': 'ADMIN' },
    401,
    'UNAUTHORIZED',
  ],
  [
    'a forged internal secret',
    identityHeaders('ADMIN', 'not-the-gateway-secret-at-all'),
    401,
    'UNAUTHORIZED',
  ],
  ['a user who is not an admin', identityHeaders('USER'), 403, 'FORBIDDEN'],
])('admin routes with %s', (_case, headers, status, code) => {
  it(`refuse the replay with ${status}`, async () => {
    const response = await replay(headers);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code });
  });

  it(`refuse bull-board with ${status}`, async () => {
    expect((await board(headers)).status).toBe(status);
  });
});

describe('admin routes with an admin', () => {
  it('replays nothing when nothing failed', async () => {
    const response = await replay(identityHeaders('ADMIN'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ queue: 'email', jobIds: [] });
  });

  it('answers 404 for an unknown queue', async () => {
    const response = await replay(identityHeaders('ADMIN'), 'fax');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([[{ limit: 0 }], [{ limit: 'all' }], [{ limit: 5, extra: true }]])(
    'refuses the body %j with 400',
    async (body) => {
      const response = await replay(identityHeaders('ADMIN'), 'email', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    },
  );

  it('serves bull-board, whose API lists the queues', async () => {
    const page = await board(identityHeaders('ADMIN'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Tablestack queues');
    const api = await fetch(`${http.url}/admin/queues/api/queues`, { headers: identityHeaders('ADMIN') });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: Array<{ name: string }> };
    expect(queues.map((queue) => queue.name).sort()).toEqual([
      'cleanup',
      'email',
      'files',
      'notifications',
      'sms',
    ]);
  });
});
