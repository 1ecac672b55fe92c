import { describe, expect, it } from 'vitest';
import { isImageType, mediaTypeOf, sniffImageType } from './image-type.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('image types', () => {
  it.each([
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
    ['PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d), 'image/png'],
    ['WebP', ascii('RIFF\x24\x00\x00\x00WEBPVP8 '), 'image/webp'],
  ])('recognises %s by its magic number', (_name, head, type) => {
    expect(sniffImageType(head)).toBe(type);
  });

  it.each([
    ['text', ascii('hello, world!')],
    ['a GIF', ascii('GIF89a......')],
    ['a RIFF that is not WebP (WAV)', ascii('RIFF\x24\x00\x00\x00WAVEfmt ')],
    ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e)],
    ['nothing', bytes()],
  ])('recognises nothing in %s', (_name, head) => {
    expect(sniffImageType(head)).toBeUndefined();
  });

  it('reads the media type of a Content-Type header', () => {
    expect(mediaTypeOf('Image/PNG; charset=binary')).toBe('image/png');
    expect(mediaTypeOf(undefined)).toBe('');
    expect(isImageType('image/png')).toBe(true);
    expect(isImageType('image/gif')).toBe(false);
    expect(isImageType('toString')).toBe(false);
  });
});
