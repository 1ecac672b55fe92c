import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { ProblemError } from '@tablestack/service-kit';
import { type ImageType, imageTypes, SNIFF_BYTES, sniffImageType } from './image-type.js';

/** A received upload in the temp folder, checked and hashed, not yet stored under its key. */
export interface ReceivedFile {
  tempPath: string;
  sizeBytes: number;
  /** SHA-256 of the bytes, hex. */
  sha256: string;
}

/**
 * Stored files on a local directory shared by the restaurant-service (which writes originals) and
 * the worker (which writes thumbnails and removes orphans). Layout under FILE_STORAGE_DIR:
 * `tmp/` uploads being received; `photos/<photo id>/original-<sha256 prefix>.<ext>` originals.
 * A file is written to `tmp/` and renamed into place, so a key never names a half-written file.
 */
export class PhotoStore {
  constructor(private readonly root: string) {}

  /** Storage key of a photo's original. Content-hashed, so a URL never changes its bytes. */
  static originalKey(photoId: string, sha256: string, type: ImageType): string {
    return `photos/${photoId}/original-${sha256.slice(0, 16)}.${imageTypes[type]}`;
  }

  /**
   * Streams an upload into `tmp/`, hashing it on the way. Fails with 413 PAYLOAD_TOO_LARGE past
   * `maxBytes`, 415 UNSUPPORTED_MEDIA_TYPE when the first bytes are not the declared image type and
   * 400 BAD_REQUEST for an empty body; a failed upload leaves no file behind.
   */
  async receive(body: NodeJS.ReadableStream, declared: ImageType, maxBytes: number): Promise<ReceivedFile> {
    const tempPath = join(this.root, 'tmp', `upload-${randomUUID()}`);
    await mkdir(dirname(tempPath), { recursive: true });
    const check = new UploadCheck(declared, maxBytes);
    try {
      await copyOrDrain(body, check, createWriteStream(tempPath, { flags: 'wx' }));
      check.finish();
    } catch (error) {
      await rm(tempPath, { force: true });
      if (error instanceof ProblemError) throw error;
      // The client went away or the socket broke mid-body.
      throw new ProblemError('BAD_REQUEST', { detail: 'The upload was interrupted.', cause: error });
    }
    return { tempPath, sizeBytes: check.size, sha256: check.sha256() };
  }

  /** Moves a received file to its key. */
  async commit(file: ReceivedFile, key: string): Promise<void> {
    const target = join(this.root, key);
    await mkdir(dirname(target), { recursive: true });
    await rename(file.tempPath, target);
  }

  /** Removes a file (received or committed); a missing file is not an error. */
  async remove(pathOrKey: { tempPath: string } | { key: string }): Promise<void> {
    const path = 'tempPath' in pathOrKey ? pathOrKey.tempPath : join(this.root, pathOrKey.key);
    await rm(path, { force: true });
  }
}

/** Past this many refused bytes the connection is cut instead of drained. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * body → check → file. Unlike `pipeline`, a refusal does not destroy the request: the rest of the
 * body is read and dropped (up to DRAIN_LIMIT_BYTES), so the answer reaches the client on a
 * connection that stays usable. Cutting the connection instead would make a proxy in front (the
 * gateway) see a reset while it still sends the body, and answer 502 instead of our 413/415.
 */
function copyOrDrain(
  body: NodeJS.ReadableStream,
  check: Transform,
  file: NodeJS.WritableStream,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      body.unpipe(check);
      check.destroy();
      (file as unknown as { destroy(): void }).destroy();
      let dropped = 0;
      body.on('data', (chunk: Buffer) => {
        dropped += chunk.length;
        if (dropped > DRAIN_LIMIT_BYTES) (body as unknown as { destroy(): void }).destroy();
      });
      body.resume();
      reject(error);
    };
    body.once('error', fail);
    check.once('error', fail);
    file.once('error', fail);
    file.once('finish', () => {
      if (!failed) resolve();
    });
    body.pipe(check).pipe(file);
  });
}

/** Counts, hashes and checks the magic number of the bytes passing through. */
class UploadCheck extends Transform {
  size = 0;
  readonly #hash = createHash('sha256');
  #head = Buffer.alloc(0);
  #sniffed = false;

  constructor(
    private readonly declared: ImageType,
    private readonly maxBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      done(
        new ProblemError('PAYLOAD_TOO_LARGE', {
          detail: `A photo may have at most ${this.maxBytes} bytes.`,
        }),
      );
      return;
    }
    if (!this.#sniffed) {
      this.#head = Buffer.concat([this.#head, chunk]).subarray(0, SNIFF_BYTES);
      if (this.#head.length >= SNIFF_BYTES) {
        const problem = this.#sniff();
        if (problem) {
          done(problem);
          return;
        }
      }
    }
    this.#hash.update(chunk);
    done(null, chunk);
  }

  /** After the last byte: short files are sniffed now, empty ones refused. */
  finish(): void {
    if (this.size === 0) throw new ProblemError('BAD_REQUEST', { detail: 'The photo is empty.' });
    if (!this.#sniffed) {
      const problem = this.#sniff();
      if (problem) throw problem;
    }
  }

  sha256(): string {
    return this.#hash.digest('hex');
  }

  #sniff(): ProblemError | undefined {
    this.#sniffed = true;
    const actual = sniffImageType(this.#head);
    if (actual === this.declared) return undefined;
    return new ProblemError('UNSUPPORTED_MEDIA_TYPE', {
      detail: actual
        ? `The body is ${actual}, not the declared ${this.declared}.`
        : `The body is not a ${this.declared} image.`,
    });
  }
}
