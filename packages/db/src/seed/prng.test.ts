import { describe, expect, it } from 'vitest';
import { createPrng, deriveSeed, hashSeed, mix32 } from './prng.js';

const draw = (seed: number, n = 5) => {
  const prng = createPrng(seed);
  return Array.from({ length: n }, () => prng.next());
};

describe('createPrng', () => {
  it('repeats its sequence for the same seed and changes it for another', () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in range', () => {
    const prng = createPrng(7);
    for (let i = 0; i < 10_000; i++) {
      const value = prng.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      const int = prng.int(1, 4);
      expect(int).toBeGreaterThanOrEqual(1);
      expect(int).toBeLessThanOrEqual(4);
    }
  });

  it('reaches every value of int() and every item of pick()', () => {
    const prng = createPrng(1);
    const ints = new Set(Array.from({ length: 1000 }, () => prng.int(1, 5)));
    expect([...ints].sort()).toEqual([1, 2, 3, 4, 5]);
    const picks = new Set(Array.from({ length: 1000 }, () => prng.pick(['a', 'b', 'c'])));
    expect(picks.size).toBe(3);
    expect(() => prng.pick([])).toThrow(RangeError);
  });

  it('gives normal() mean ~0 and sd ~1', () => {
    const prng = createPrng(3);
    const values = Array.from({ length: 20_000 }, () => prng.normal());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });
});

describe('seed helpers', () => {
  it('mix32 is a bijection on a sample (no two inputs share an output)', () => {
    const outputs = new Set(Array.from({ length: 100_000 }, (_, i) => mix32(i)));
    expect(outputs.size).toBe(100_000);
  });

  it('deriveSeed depends on every part', () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    expect(
      new Set([deriveSeed(1, 2, 3), deriveSeed(1, 3, 2), deriveSeed(2, 2, 3), deriveSeed(1, 2)]).size,
    ).toBe(4);
  });

  it('hashSeed maps strings to stable 32-bit seeds', () => {
    expect(hashSeed('tablestack')).toBe(hashSeed('tablestack'));
    expect(hashSeed('tablestack')).not.toBe(hashSeed('tablestack2'));
    expect(Number.isInteger(hashSeed('x')) && hashSeed('x') >= 0 && hashSeed('x') < 2 ** 32).toBe(true);
  });
});
