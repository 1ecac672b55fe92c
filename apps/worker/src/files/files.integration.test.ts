import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@tablestack/db';
import { enqueueOutbox } from '@tablestack/jobs';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCdn, startFakeCdn } from '../../test/fake-cdn.js';
import { dropNamespace, finishedJob, type Harness, outboxRoutes, startRuntime } from '../../test/harness.js';
import { eventually, openDatabase, uniqueId } from '../../test/support.js';
import { CloudflareCdnPurger } from './cloudflare-cdn-purger.js';

// The files queue on real Postgres, Redis, files and sharp: an uploaded photo (row + original +
// outbox row, as the restaurant-service writes them) gets its thumbnails; bad originals fail for good;
// orphaned files go, with their URLs purged from a (fake) Cloudflare API.
const db: Database = openDatabase();
const cleanups: Array<() => Promise<unknown>> = [];
const BASE_URL = 'https://cdn.example.test/files';
let cdn: FakeCdn;
let storage: string;
let restaurantId: string;

beforeAll(async () => {
  cdn = await startFakeCdn();
  storage = await mkdtemp(join(tmpdir(), 'worker-files-it-'));
  const restaurant = await db.primary().restaurant.create({
    data: {
      name: 'Files IT',
      cuisine: 'Test',
      city: `City ${randomUUID()}`,
      address: '1 Test St',
      lat: 1,
      lng: 1,
      priceLevel: 2,
    },
    select: { id: true },
  });
  restaurantId = restaurant.id;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  cdn.calls.length = 0;
  cdn.mode = 'ok';
});
afterAll(async () => {
  // Photos go with the restaurant (cascade).
  await db.primary().restaurant.delete({ where: { id: restaurantId } });
  await db.close();
  await cdn.close();
  await rm(storage, { recursive: true, force: true });
});

function start(namespace: string, env: Record<string, string> = {}): Harness {
  const harness = startRuntime(db, {
    namespace,
    env: {
      WORKER_QUEUES: 'files',
      FILE_STORAGE_DIR: storage,
      FILE_PUBLIC_BASE_URL: BASE_URL,
      FILES_THUMBNAIL_WIDTHS: '64,128',
      ...env,
    },
    policies: { files: { attempts: 2, backoff: { baseMs: 50, maxMs: 100 } } },
    cdn: new CloudflareCdnPurger({ apiUrl: cdn.url, zoneId: 'zone', apiToken: 'token', timeoutMs: 2000 }),
  });
  cleanups.push(() => dropNamespace(db, namespace), harness.close);
  return harness;
}

/** A photo as the restaurant-service stores it: original file, row and outbox row in one transaction. */
async function uploadPhoto(namespace: string, original: Buffer, contentType = 'image/jpeg') {
  const id = randomUUID();
  const sha256 = createHash('sha256').update(original).digest('hex');
  const originalKey = `photos/${id}/original-${sha256.slice(0, 16)}.${contentType.split('/')[1]}`;
  await mkdir(join(storage, 'photos', id), { recursive: true });
  await writeFile(join(storage, originalKey), original);
  const outboxId = await db.transaction(async (tx) => {
    await tx.photo.create({
      data: { id, restaurantId, originalKey, contentType, sizeBytes: original.length, sha256 },
    });
    // The namespace's outbox route (not 'files'), so only this test's relay publishes it.
    const row = await enqueueOutbox(tx, 'files', 'photo-thumbnails', { photoId: id });
    await tx.outbox.update({ where: { id: row }, data: { queue: outboxRoutes(namespace).files } });
    return row;
  });
  return { id, originalKey, outboxId };
}

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .jpeg()
    .toBuffer();

const photoRow = (id: string) => db.primary().photo.findUniqueOrThrow({ where: { id } });

describe('files queue: thumbnails', () => {
  it('an uploaded photo gets content-hashed WebP thumbnails and its row is updated', async () => {
    const namespace = uniqueId('thumbs');
    const harness = start(namespace);
    const photo = await uploadPhoto(namespace, await jpeg(300, 200));

    const row = await eventually('photo processed', async () => {
      const current = await photoRow(photo.id);
      return current.status === 'PROCESSED' ? current : undefined;
    });
    expect(row).toMatchObject({ width: 300, height: 200, lastError: null });
    expect(row.processedAt).toBeInstanceOf(Date);
    const thumbnails = row.thumbnails as Record<string, string>;
    expect(Object.keys(thumbnails).sort()).toEqual(['128', '64']);
    for (const [width, key] of Object.entries(thumbnails)) {
      expect(key).toMatch(new RegExp(`^photos/${photo.id}/${width}w-[0-9a-f]{16}\\.webp$`));
      const bytes = await sharp(join(storage, key)).toBuffer({ resolveWithObject: true });
      expect(bytes.info).toMatchObject({
        format: 'webp',
        width: Number(width),
        height: Math.round((Number(width) * 2) / 3),
      });
      // The name is the hash of the bytes: a changed thumbnail can never keep its URL.
      const { readFile } = await import('node:fs/promises');
      const hash = createHash('sha256')
        .update(await readFile(join(storage, key)))
        .digest('hex');
      expect(key).toContain(`-${hash.slice(0, 16)}.webp`);
    }
    // Relayed with the outbox id as job id; nothing was purged (no thumbnail was replaced).
    const job = await finishedJob(harness.runtime.queues.get('files'), photo.outboxId);
    expect(job.returnvalue).toMatchObject({ processed: true, thumbnails });
    expect(cdn.calls).toEqual([]);
  });

  it('runs again without writing or purging anything, and never enlarges a small original', async () => {
    const namespace = uniqueId('again');
    const harness = start(namespace);
    const photo = await uploadPhoto(namespace, await jpeg(100, 50));
    const queue = harness.runtime.queues.get('files');
    const first = await finishedJob(queue, photo.outboxId);
    expect(first.returnvalue).toMatchObject({ processed: true, written: 2, purged: 0 });
    // 128 is wider than the original: that thumbnail is 100 wide.
    expect(Object.keys(first.returnvalue.thumbnails).sort()).toEqual(['100', '64']);

    const again = await queue.add('photo-thumbnails', { photoId: photo.id });
    const second = await finishedJob(queue, again.id!);
    expect(second.returnvalue).toMatchObject({
      processed: true,
      written: 0,
      purged: 0,
      thumbnails: first.returnvalue.thumbnails,
    });
    expect(cdn.calls).toEqual([]);
  });

  it('purges the URLs of replaced thumbnails when the widths change', async () => {
    const namespace = uniqueId('widths');
    const harness = start(namespace);
    const photo = await uploadPhoto(namespace, await jpeg(400, 400));
    const before = (await finishedJob(harness.runtime.queues.get('files'), photo.outboxId)).returnvalue
      .thumbnails;
    await harness.close();

    const wider = start(namespace, { FILES_THUMBNAIL_WIDTHS: '64,256' });
    const queue = wider.runtime.queues.get('files');
    const job = await queue.add('photo-thumbnails', { photoId: photo.id });
    const done = await finishedJob(queue, job.id!);
    expect(done.returnvalue).toMatchObject({ processed: true, written: 1, purged: 1 });
    expect(done.returnvalue.thumbnails['64']).toBe(before['64']);
    expect(cdn.purged()).toEqual([`${BASE_URL}/${before['128']}`]);
    expect((await photoRow(photo.id)).thumbnails).toEqual(done.returnvalue.thumbnails);
  });

  it.each([
    [
      'an original that is not an image',
      async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]),
      /cannot decode/,
    ],
    ['an original whose file is missing', async () => undefined, /missing/],
  ])('fails %s for good (no retry) and marks the photo FAILED', async (_case, make, message) => {
    const namespace = uniqueId('bad');
    const harness = start(namespace);
    const bytes = await make();
    const photo = await uploadPhoto(namespace, bytes ?? (await jpeg(10, 10)));
    if (!bytes) await rm(join(storage, photo.originalKey));
    const job = await finishedJob(harness.runtime.queues.get('files'), photo.outboxId, (found) =>
      found.isFailed(),
    );
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(message);
    const row = await photoRow(photo.id);
    expect(row.status).toBe('FAILED');
    expect(row.lastError).toMatch(message);
  });

  it('completes without work when the photo was deleted before the job ran', async () => {
    const namespace = uniqueId('gone');
    const harness = start(namespace);
    const queue = harness.runtime.queues.get('files');
    const job = await queue.add('photo-thumbnails', { photoId: randomUUID() });
    expect((await finishedJob(queue, job.id!)).returnvalue).toEqual({
      processed: false,
      reason: 'photo-gone',
    });
  });
});

describe('files queue: orphaned files', () => {
  const HOURS_AGO = new Date(Date.now() - 2 * 3_600_000);

  /** A file under the storage dir, dated `at`. */
  async function place(key: string, at: Date, bytes = Buffer.from('x')) {
    await mkdir(join(storage, key, '..'), { recursive: true });
    await writeFile(join(storage, key), bytes);
    await utimes(join(storage, key), at, at);
  }

  async function keysUnder(folder: string): Promise<string[]> {
    const entries = await readdir(join(storage, folder), { recursive: true, withFileTypes: true }).catch(
      () => [],
    );
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(storage.length + 1))
      .sort();
  }

  it('removes old unreferenced files, keeps referenced and recent ones, and purges the removed URLs', async () => {
    const namespace = uniqueId('orphans');
    const harness = start(namespace);
    const queue = harness.runtime.queues.get('files');
    // A processed photo whose 128 thumbnail was replaced: the old one is an orphan.
    const photo = await uploadPhoto(namespace, await jpeg(200, 200));
    const processed = await finishedJob(queue, photo.outboxId);
    const thumbnails = processed.returnvalue.thumbnails as Record<string, string>;
    for (const key of [photo.originalKey, ...Object.values(thumbnails)])
      await utimes(join(storage, key), HOURS_AGO, HOURS_AGO);
    const replaced = `photos/${photo.id}/128w-0000000000000000.webp`;
    await place(replaced, HOURS_AGO);
    // A folder without a row (a deleted photo, or an upload whose transaction never committed).
    const deleted = randomUUID();
    await place(`photos/${deleted}/original-1111111111111111.jpg`, HOURS_AGO);
    await place(`photos/${deleted}/64w-2222222222222222.webp`, HOURS_AGO);
    // A fresh upload whose row is not committed yet: too young to be an orphan.
    const fresh = `photos/${randomUUID()}/original-3333333333333333.jpg`;
    await place(fresh, new Date());
    // Abandoned and current temp files.
    await place(`tmp/upload-${randomUUID()}`, HOURS_AGO);
    const current = `tmp/upload-${randomUUID()}`;
    await place(current, new Date());

    const job = await queue.add('orphaned-files', {});
    const done = await finishedJob(queue, job.id!);
    expect(done.returnvalue).toMatchObject({ temp: 1 });
    const expectedGone = [
      replaced,
      `photos/${deleted}/original-1111111111111111.jpg`,
      `photos/${deleted}/64w-2222222222222222.webp`,
    ];
    // Other tests' files in the shared storage dir may be removed too (their photos are processed
    // and old only here), so the check is on the files this test placed.
    for (const key of expectedGone) expect(cdn.purged()).toContain(`${BASE_URL}/${key}`);
    const left = await keysUnder('');
    for (const key of expectedGone) expect(left).not.toContain(key);
    for (const key of [photo.originalKey, ...Object.values(thumbnails), fresh, current])
      expect(left).toContain(key);
    expect(await readdir(join(storage, 'photos')).catch(() => [])).not.toContain(deleted);
  });

  it('keeps every file when the purge fails, so the retry finds them again', async () => {
    const namespace = uniqueId('purge-fails');
    const harness = start(namespace);
    const orphan = `photos/${randomUUID()}/original-4444444444444444.jpg`;
    await place(orphan, HOURS_AGO);
    cdn.mode = 'error';
    const queue = harness.runtime.queues.get('files');
    const job = await queue.add('orphaned-files', {});
    const failed = await finishedJob(queue, job.id!, (found) => found.isFailed());
    expect(failed.attemptsMade).toBe(2);
    expect(failed.failedReason).toMatch(/CDN purge refused \(HTTP 500\)/);
    expect(await keysUnder('photos')).toContain(orphan);

    cdn.mode = 'ok';
    const retry = await queue.add('orphaned-files', {});
    await finishedJob(queue, retry.id!);
    expect(await keysUnder('photos')).not.toContain(orphan);
  });
});
