import { randomUUID } from 'node:crypto';
import type { Database } from '@tablestack/db';
import { enqueueOutbox } from '@tablestack/jobs';
import { ProblemError } from '@tablestack/service-kit';
import type { PhotoRepository, PhotoRow } from '../repositories/photo-repository.js';
import { type ImageType, imageTypes, isImageType } from './image-type.js';
import { PhotoStore } from './photo-store.js';

/** Prisma's code for a foreign key that points nowhere (the restaurant was deleted mid-upload). */
const FOREIGN_KEY_VIOLATION = 'P2003';

/** A photo as answers show it: URLs instead of storage keys. */
export interface PhotoView {
  id: string;
  restaurantId: string;
  status: PhotoRow['status'];
  contentType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  url: string;
  /** Thumbnail URLs by width; empty until the worker made them. */
  thumbnails: Record<string, string>;
  createdAt: string;
  processedAt: string | null;
}

export interface Upload {
  restaurantId: string;
  /** The request's Content-Type, already reduced to its media type. */
  contentType: string;
  /** The request's Content-Length, when it declared one. */
  contentLength: number | undefined;
  body: NodeJS.ReadableStream;
}

// Refusals before the body is read leave it to Node, which reads and drops an unread request body
// once the answer is sent, so the connection (the gateway's pooled one) stays usable.
const notFound = (id: string) => new ProblemError('NOT_FOUND', { detail: `No restaurant ${id}` });

/**
 * Photo uploads: the original is checked (declared type, magic number, size) while it streams to the
 * storage dir, stored under a content-hashed key, then the photo row and the `files/photo-thumbnails`
 * outbox job are written in one transaction, so the worker makes the thumbnails exactly when the
 * photo exists. A stored original whose transaction failed is an orphan, removed here at once or, if
 * the process died first, by the worker's `orphaned-files` job.
 */
export class PhotoUploads {
  readonly #store: PhotoStore;

  constructor(
    private readonly deps: {
      db: Pick<Database, 'transaction'>;
      photos: PhotoRepository;
      storageDir: string;
      publicBaseUrl: string;
      maxBytes: number;
    },
  ) {
    this.#store = new PhotoStore(deps.storageDir);
  }

  async upload(upload: Upload): Promise<PhotoView> {
    const { maxBytes } = this.deps;
    const type = upload.contentType;
    if (!isImageType(type))
      throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', {
        detail: `Send the photo as the request body with Content-Type ${Object.keys(imageTypes).join(', ')}.`,
      });
    if (upload.contentLength !== undefined && upload.contentLength > maxBytes)
      throw new ProblemError('PAYLOAD_TOO_LARGE', {
        detail: `A photo may have at most ${maxBytes} bytes.`,
      });
    // Before the body is read, so nobody uploads megabytes for a restaurant that does not exist.
    if (!(await this.deps.photos.restaurantExists(upload.restaurantId))) throw notFound(upload.restaurantId);

    const received = await this.#store.receive(upload.body, type, maxBytes);
    const id = randomUUID();
    const originalKey = PhotoStore.originalKey(id, received.sha256, type as ImageType);
    await this.#store.commit(received, originalKey);
    try {
      const row = await this.deps.db.transaction(async (tx) => {
        const photo = await this.deps.photos.create(tx, {
          id,
          restaurantId: upload.restaurantId,
          originalKey,
          contentType: type,
          sizeBytes: received.sizeBytes,
          sha256: received.sha256,
        });
        await enqueueOutbox(tx, 'files', 'photo-thumbnails', { photoId: id });
        return photo;
      });
      return this.view(row);
    } catch (error) {
      await this.#store.remove({ key: originalKey }).catch(() => {});
      if ((error as { code?: unknown })?.code === FOREIGN_KEY_VIOLATION) throw notFound(upload.restaurantId);
      throw error;
    }
  }

  view(row: PhotoRow): PhotoView {
    const url = (key: string) => `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/${key}`;
    return {
      id: row.id,
      restaurantId: row.restaurantId,
      status: row.status,
      contentType: row.contentType,
      sizeBytes: row.sizeBytes,
      width: row.width,
      height: row.height,
      url: url(row.originalKey),
      thumbnails: Object.fromEntries(Object.entries(row.thumbnails).map(([width, key]) => [width, url(key)])),
      createdAt: row.createdAt.toISOString(),
      processedAt: row.processedAt?.toISOString() ?? null,
    };
  }
}
