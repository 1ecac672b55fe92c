/** Image types a photo upload may have, with the file extension they are stored under. */
export const imageTypes = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const;

export type ImageType = keyof typeof imageTypes;

/** Bytes needed to recognise every type in `imageTypes`. */
export const SNIFF_BYTES = 12;

export function isImageType(value: string): value is ImageType {
  return Object.hasOwn(imageTypes, value);
}

/** The media type of a Content-Type header, without parameters, lower-cased (`image/png; x=y` → `image/png`). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The image type the first bytes of a file show (its magic number), or undefined. Clients declare a
 * Content-Type, but only the bytes say what the worker's decoder will be handed.
 */
export function sniffImageType(head: Uint8Array): ImageType | undefined {
  const starts = (bytes: number[], at = 0) => bytes.every((byte, i) => head[at + i] === byte);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // RIFF <size> WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}
