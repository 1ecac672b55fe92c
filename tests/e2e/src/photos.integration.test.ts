import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessTokens, authEnvSchema } from '@tablestack/auth';
import { solidPng } from '@tablestack/test-tooling';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

// A photo uploaded through nginx and the gateway gets its thumbnails from the stack's workers (real
// outbox relay, files queue, sharp, and the storage dir the stack gives both apps).
const api = (path: string) => `${stackEnv.publicUrl}/api/v1${path}`;
const adminToken = new AccessTokens(authEnvSchema.parse({})).issue({ userId: randomUUID(), role: 'ADMIN' });
const storageDir = process.env.FILE_STORAGE_DIR ?? '';
let restaurantId = '';
const db = new pg.Client({ connectionString: stackEnv.databaseUrl });

async function upload(body: Buffer, type = 'image/png') {
  const response = await fetch(api(`/restaurants/${restaurantId}/photos`), {
    method: 'POST',
    headers: { authorization: `Bearer ${await adminToken}`, 'content-type': type },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, any>,
  };
}

beforeAll(async () => {
  if (!storageDir) throw new Error('FILE_STORAGE_DIR is not set: run the e2e tests through ./stack test');
  await db.connect();
  const created = await fetch(api('/restaurants'), {
    method: 'POST',
    headers: { authorization: `Bearer ${await adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'E2e Photo Bistro',
      cuisine: 'french',
      city: 'Lyon',
      address: '1 Rue E2E',
      lat: 45.76,
      lng: 4.83,
      priceLevel: 2,
    }),
  });
  expect(created.status).toBe(201);
  restaurantId = ((await created.json()) as { id: string }).id;
});

afterAll(async () => {
  if (restaurantId)
    await fetch(api(`/restaurants/${restaurantId}`), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await adminToken}` },
    });
  await db.end();
});

describe('photo upload through nginx and the gateway', () => {
  it('stores the photo and the worker makes its thumbnails', async () => {
    const answer = await upload(solidPng(640, 480));
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      restaurantId,
      status: 'UPLOADED',
      contentType: 'image/png',
      thumbnails: {},
    });
    const photoId = answer.body.id as string;

    let row: { status: string; thumbnails: Record<string, string>; width: number } | undefined;
    for (let attempt = 0; attempt < 150; attempt++) {
      const { rows } = await db.query('select status, thumbnails, width from photos where id = $1', [
        photoId,
      ]);
      row = rows[0];
      if (row?.status !== 'UPLOADED') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(row).toMatchObject({ status: 'PROCESSED', width: 640 });
    expect(Object.keys(row!.thumbnails).length).toBeGreaterThan(0);
    for (const key of Object.values(row!.thumbnails)) {
      expect(key).toMatch(new RegExp(`^photos/${photoId}/\\d+w-[0-9a-f]{16}\\.webp$`));
      expect((await stat(join(storageDir, key))).size).toBeGreaterThan(0);
    }
  });

  it("answers problem+json for a body that is not the declared type (415) and one over nginx's limit (413)", async () => {
    const wrongType = await upload(solidPng(4, 4), 'image/jpeg');
    expect(wrongType).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(wrongType.type).toMatch(/^application\/problem\+json/);
    // Over nginx's 10 MB: nginx answers. Over PHOTO_MAX_BYTES (8 MiB) but under 10 MB: the service does.
    for (const megabytes of [11, 9]) {
      const tooLarge = await upload(Buffer.concat([solidPng(4, 4), Buffer.alloc(megabytes * 1024 * 1024)]));
      expect(tooLarge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(tooLarge.type).toMatch(/^application\/problem\+json/);
    }
  });
});
