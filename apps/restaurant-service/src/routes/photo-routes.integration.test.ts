import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Photo } from '@tablestack/api-contract';
import { IDENTITY_HEADERS, type Role } from '@tablestack/auth';
import { solidPng } from '@tablestack/test-tooling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Fixtures,
  type Instance,
  LEAK_PATTERN,
  startInstance,
} from '../../test/restaurant-service-harness.js';

// Photo upload against the real primary and a real storage directory: what is stored, what is
// written to the outbox, and every refusal (type, magic number, size, identity, unknown restaurant).
const MAX_BYTES = 64 * 1024;
let fx: Fixtures;
let app: Instance;
let storage: string;
let admin: { userId: string; role: Role };
let user: { userId: string; role: Role };
let restaurantId: string;
const photoIds: string[] = [];

beforeAll(async () => {
  fx = await Fixtures.open();
  storage = await mkdtemp(join(tmpdir(), 'photos-it-'));
  app = await startInstance(randomUUID().slice(0, 8), {
    FILE_STORAGE_DIR: storage,
    FILE_PUBLIC_BASE_URL: 'https://cdn.example.test/files/',
    PHOTO_MAX_BYTES: String(MAX_BYTES),
  });
  admin = await fx.user('ADMIN');
  user = await fx.user('USER');
  restaurantId = await fx.restaurant();
});

afterAll(async () => {
  if (photoIds.length > 0)
    await fx?.query(`delete from outbox where payload->>'photoId' = any($1::text[])`, [photoIds]);
  await app?.close();
  await fx?.cleanUp();
  if (storage) await rm(storage, { recursive: true, force: true });
});

interface UploadOptions {
  as?: { userId: string; role: Role } | null;
  type?: string;
  body?: Buffer | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  path?: string;
}

async function upload(options: UploadOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.type !== undefined) headers['content-type'] = options.type;
  const as = options.as === undefined ? admin : options.as;
  if (as) {
    headers[IDENTITY_HEADERS.userId] = as.userId;
    headers[IDENTITY_HEADERS.role] = as.role;
    headers[IDENTITY_HEADERS.internalAuth] = app.env.INTERNAL_AUTH_SECRET;
  }
  const body = options.body ?? solidPng(8, 8);
  const response = await fetch(`${app.base}${options.path ?? `/restaurants/${restaurantId}/photos`}`, {
    method: 'POST',
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  expect(text).not.toMatch(LEAK_PATTERN);
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Files under the storage dir, relative to it. */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(storage, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(storage.length + 1))
    .sort();
}

describe('POST /restaurants/:id/photos', () => {
  it('stores the original under a content-hashed key and queues its thumbnails in the same transaction', async () => {
    const png = solidPng(40, 30);
    const answer = await upload({ type: 'image/png', body: png });
    expect(answer.status).toBe(201);
    const photo = Photo.parse(answer.body);
    photoIds.push(photo.id);
    expect(photo).toMatchObject({
      restaurantId,
      status: 'UPLOADED',
      contentType: 'image/png',
      sizeBytes: png.length,
      thumbnails: {},
    });
    const { rows } = await fx.query<{ original_key: string; sha256: string; size_bytes: number }>(
      'select original_key, sha256, size_bytes from photos where id = $1',
      [photo.id],
    );
    const key = rows[0]!.original_key;
    expect(key).toMatch(new RegExp(`^photos/${photo.id}/original-[0-9a-f]{16}\\.png$`));
    expect(photo.url).toBe(`https://cdn.example.test/files/${key}`);
    expect(await readFile(join(storage, key))).toEqual(png);
    const { createHash } = await import('node:crypto');
    expect(rows[0]!.sha256).toBe(createHash('sha256').update(png).digest('hex'));
    expect(key).toContain(rows[0]!.sha256.slice(0, 16));

    const outbox = await fx.query<{ queue: string; job_name: string; payload: unknown }>(
      `select queue, job_name, payload from outbox where payload->>'photoId' = $1`,
      [photo.id],
    );
    expect(outbox.rows).toEqual([
      { queue: 'files', job_name: 'photo-thumbnails', payload: { photoId: photo.id } },
    ]);
    // Nothing left in the temp folder.
    expect((await storedFiles()).filter((file) => file.startsWith('tmp/'))).toEqual([]);
  });

  it('accepts a streamed (chunked) body and a Content-Type with parameters', async () => {
    const png = solidPng(16, 16);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(png.subarray(0, 5)); // less than the magic number in the first chunk
        controller.enqueue(png.subarray(5));
        controller.close();
      },
    });
    const answer = await upload({ type: 'image/png; charset=binary', body: stream });
    expect(answer.status).toBe(201);
    photoIds.push(answer.body.id);
    expect(answer.body.sizeBytes).toBe(png.length);
  });

  it.each([
    ['an image type it does not take', 'image/gif', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['a body that is not what its Content-Type says', 'image/jpeg', solidPng(4, 4)],
    ['text declared as an image', 'image/png', Buffer.from('definitely not a png file')],
    ['a JSON body', 'application/json', Buffer.from('{"url":"http://example.com/x.png"}')],
    ['no Content-Type', '', solidPng(4, 4)],
  ])('refuses %s with 415 and stores nothing', async (_case, type, body) => {
    const before = await storedFiles();
    const answer = await upload({ type, body });
    expect(answer.status).toBe(415);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a body whose declared length is over PHOTO_MAX_BYTES with 413, before reading it', async () => {
    const answer = await upload({
      type: 'image/png',
      body: Buffer.concat([solidPng(4, 4), Buffer.alloc(MAX_BYTES)]),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('refuses a streamed body that grows past PHOTO_MAX_BYTES with 413 and keeps no partial file', async () => {
    const before = await storedFiles();
    const head = solidPng(4, 4);
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        // 8 KiB chunks up to twice the limit; no Content-Length, so only counting can stop it.
        if (sent > 2 * MAX_BYTES) return controller.close();
        controller.enqueue(sent === 0 ? head : new Uint8Array(8192));
        sent += sent === 0 ? head.length : 8192;
      },
    });
    const answer = await upload({ type: 'image/png', body: stream });
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses an empty body with 400', async () => {
    const answer = await upload({ type: 'image/png', body: Buffer.alloc(0) });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('BAD_REQUEST');
  });

  it.each([
    ['no identity', null, 401, 'UNAUTHORIZED'],
    ['a user who is not an admin', 'user', 403, 'FORBIDDEN'],
  ] as const)('refuses %s (%i)', async (_case, who, status, code) => {
    const before = await storedFiles();
    const answer = await upload({ as: who === null ? null : user, type: 'image/png' });
    expect(answer).toMatchObject({ status, body: { code } });
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a forged identity (wrong internal secret) as anonymous', async () => {
    const answer = await upload({
      as: null,
      type: 'image/png',
      headers: {
        [IDENTITY_HEADERS.userId]: admin.userId,
        [IDENTITY_HEADERS.role]: 'ADMIN',
        [IDENTITY_HEADERS.internalAuth]: 'not-the-secret-not-the-secret',
      },
    });
    expect(answer.status).toBe(401);
  });

  it('answers 404 for an unknown restaurant and 400 for a malformed id', async () => {
    const missing = await upload({ type: 'image/png', path: `/restaurants/${randomUUID()}/photos` });
    expect(missing).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const malformed = await upload({ type: 'image/png', path: '/restaurants/not-an-id/photos' });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const query = await upload({ type: 'image/png', path: `/restaurants/${restaurantId}/photos?x=1` });
    expect(query).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});
