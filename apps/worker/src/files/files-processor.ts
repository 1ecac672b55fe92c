import type { Database } from '@tablestack/db';
import type { JobPayload } from '@tablestack/jobs';
import type { Logger } from '@tablestack/service-kit';
import { UnrecoverableError } from 'bullmq';
import type { CdnPurger } from './cdn-purger.js';
import type { FileStorage, StoredFile } from './file-storage.js';
import { makeThumbnails, UndecodableImageError } from './thumbnails.js';

export interface FilesDeps {
  db: Pick<Database, 'primary' | 'write'>;
  storage: FileStorage;
  cdn: CdnPurger;
  logger: Logger;
  /** FILES_THUMBNAIL_WIDTHS. */
  widths: number[];
  /** FILE_PUBLIC_BASE_URL: a key's URL is `<base>/<key>`. */
  publicBaseUrl: string;
  /** FILES_ORPHAN_GRACE_MINUTES in ms: younger files are never orphans. */
  orphanGraceMs: number;
  /** Photo folders whose rows are read per query. @default 500 */
  batchSize?: number;
}

export type ThumbnailsResult =
  | { processed: true; thumbnails: Record<string, string>; written: number; purged: number }
  | { processed: false; reason: 'photo-gone' };

export interface OrphansResult {
  /** Files removed from photo folders (no row, or not the row's original or thumbnails). */
  removed: number;
  /** Abandoned uploads removed from tmp/. */
  temp: number;
  /** URLs purged from the CDN. */
  purged: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The jobs of the files queue: thumbnails of an uploaded photo, and the removal of orphaned files. */
export function createFilesProcessor(deps: FilesDeps) {
  const url = (key: string) => `${deps.publicBaseUrl.replace(/\/+$/, '')}/${key}`;

  async function markFailed(photoId: string, reason: string): Promise<void> {
    await deps.db.write().photo.updateMany({
      where: { id: photoId },
      data: { status: 'FAILED', lastError: reason.slice(0, 500) },
    });
  }

  return {
    /**
     * Makes the photo's thumbnails and records them on its row. Idempotent: the same original gives
     * the same bytes, hence the same keys, and files that exist are not written again. URLs of
     * thumbnails the row had and no longer has are purged from the CDN before the row changes, so a
     * failed purge retries the whole job with nothing half-done.
     */
    async photoThumbnails(payload: JobPayload<'files', 'photo-thumbnails'>): Promise<ThumbnailsResult> {
      const { photoId } = payload;
      // The primary: the job can run before a replica has the row.
      const photo = await deps.db.primary().photo.findUnique({
        where: { id: photoId },
        select: { originalKey: true, thumbnails: true },
      });
      // Deleted with its restaurant before the job ran: the orphan job takes its files.
      if (!photo) return { processed: false, reason: 'photo-gone' };

      let original: Buffer;
      try {
        original = await deps.storage.read(photo.originalKey);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await markFailed(photoId, 'the original is missing from the storage dir');
        throw new UnrecoverableError(`photo ${photoId}: the original ${photo.originalKey} is missing`);
      }
      let made: Awaited<ReturnType<typeof makeThumbnails>>;
      try {
        made = await makeThumbnails(photoId, original, deps.widths);
      } catch (error) {
        if (!(error instanceof UndecodableImageError)) throw error;
        await markFailed(photoId, error.message);
        throw new UnrecoverableError(`photo ${photoId}: ${error.message}`);
      }

      let written = 0;
      for (const thumbnail of made.thumbnails)
        if ((await deps.storage.writeOnce(thumbnail.key, thumbnail.bytes)) === 'written') written++;
      const thumbnails = Object.fromEntries(
        made.thumbnails.map((thumbnail) => [String(thumbnail.width), thumbnail.key]),
      );
      const kept = new Set(Object.values(thumbnails));
      const replaced = Object.values((photo.thumbnails ?? {}) as Record<string, string>).filter(
        (key) => !kept.has(key),
      );
      if (replaced.length > 0) await deps.cdn.purge(replaced.map(url));

      const { count } = await deps.db.write().photo.updateMany({
        where: { id: photoId },
        data: {
          thumbnails,
          width: made.width,
          height: made.height,
          status: 'PROCESSED',
          processedAt: new Date(),
          lastError: null,
        },
      });
      if (count === 0) return { processed: false, reason: 'photo-gone' };
      deps.logger.info({ photoId, thumbnails, written, replaced: replaced.length }, 'thumbnails made');
      return { processed: true, thumbnails, written, purged: replaced.length };
    },

    /**
     * Removes files no photo refers to: a folder `photos/<id>` without a row (the photo or its
     * restaurant was deleted, or an upload's transaction never committed), files of a row that are
     * neither its original nor its thumbnails (replaced thumbnails), and abandoned uploads in tmp/.
     * Only files older than the grace period count: a fresh upload's row may not be committed yet.
     * URLs are purged before the files go, so a failed purge leaves everything for the retry.
     */
    async orphanedFiles(): Promise<OrphansResult> {
      const cutoff = Date.now() - deps.orphanGraceMs;
      const old = (file: StoredFile) => file.modifiedAt.getTime() < cutoff;
      const orphans: string[] = [];
      const folders = await deps.storage.photoFolders();
      const batchSize = deps.batchSize ?? 500;
      for (let start = 0; start < folders.length; start += batchSize) {
        const batch = folders.slice(start, start + batchSize);
        const rows = await deps.db.primary().photo.findMany({
          where: { id: { in: batch.filter((name) => GUID.test(name)) } },
          select: { id: true, originalKey: true, thumbnails: true },
        });
        const referenced = new Map(
          rows.map((row) => [
            row.id,
            new Set([row.originalKey, ...Object.values((row.thumbnails ?? {}) as Record<string, string>)]),
          ]),
        );
        for (const folder of batch) {
          const keep = referenced.get(folder);
          for (const file of await deps.storage.filesIn(`photos/${folder}`))
            if (old(file) && !keep?.has(file.key)) orphans.push(file.key);
        }
      }
      if (orphans.length > 0) await deps.cdn.purge(orphans.map(url));
      for (const key of orphans) await deps.storage.remove(key);
      for (const folder of new Set(orphans.map((key) => key.slice(0, key.lastIndexOf('/')))))
        await deps.storage.removeIfEmpty(folder);

      let temp = 0;
      for (const file of await deps.storage.filesIn('tmp'))
        if (old(file)) {
          await deps.storage.remove(file.key);
          temp++;
        }
      if (orphans.length + temp > 0)
        deps.logger.info({ removed: orphans.length, temp }, 'orphaned files removed');
      return { removed: orphans.length, temp, purged: orphans.length };
    },
  };
}
