import { createHash } from 'node:crypto';
import sharp from 'sharp';

// One libvips thread per image and no decoded-image cache: the worker shares small machines with
// the services, and runs WORKER_CONCURRENCY_FILES images at once instead.
sharp.concurrency(1);
sharp.cache(false);

/** Largest original decoded, in pixels (a decompression bomb stops here, not in memory). */
export const MAX_INPUT_PIXELS = 50_000_000;

export interface Thumbnail {
  width: number;
  /** Storage key: `photos/<photo id>/<width>w-<sha256 prefix of the bytes>.webp`. */
  key: string;
  bytes: Buffer;
}

export interface Thumbnails {
  /** Of the original, after EXIF orientation. */
  width: number;
  height: number;
  thumbnails: Thumbnail[];
}

/** An original sharp cannot decode: not worth retrying. */
export class UndecodableImageError extends Error {
  override readonly name = 'UndecodableImageError';
}

/**
 * WebP thumbnails of an original at each width (never wider than the original, so a small photo
 * gets one thumbnail per distinct width it reaches), named by the hash of their bytes so that their
 * URLs can be cached for ever: a changed thumbnail gets a new URL.
 */
export async function makeThumbnails(
  photoId: string,
  original: Buffer,
  widths: number[],
): Promise<Thumbnails> {
  try {
    const image = sharp(original, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', autoOrient: true });
    // Dimensions as displayed (EXIF orientation applied), read from the header without decoding.
    const { width, height } = (await image.metadata()).autoOrient;
    const made = new Map<number, Thumbnail>();
    for (const wanted of widths) {
      const target = Math.min(wanted, width);
      if (made.has(target)) continue;
      const bytes = await image
        .clone()
        .resize({ width: target, withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
      const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      made.set(target, { width: target, key: `photos/${photoId}/${target}w-${hash}.webp`, bytes });
    }
    return { width, height, thumbnails: [...made.values()] };
  } catch (error) {
    throw new UndecodableImageError(`cannot decode the original: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
