import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { solidPng } from './solid-png.js';

describe('solidPng', () => {
  it('writes the PNG signature, an IHDR with the size and RGB pixels of the colour', () => {
    const png = solidPng(3, 2, [1, 2, 3]);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    const idat = png.indexOf('IDAT', 0, 'latin1');
    const length = png.readUInt32BE(idat - 4);
    const pixels = inflateSync(png.subarray(idat + 4, idat + 4 + length));
    // Each row: filter byte 0, then RGB per pixel.
    expect([...pixels]).toEqual([0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(png.subarray(-8, -4).toString('latin1')).toBe('IEND');
  });
});
