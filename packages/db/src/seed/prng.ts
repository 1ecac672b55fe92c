/**
 * Seeded pseudo-random numbers for the seed data. mulberry32 is tiny, fast and good enough for demo
 * data; it is not cryptographic and must never be used for secrets.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Roughly normal (mean 0, sd 1): the sum of 12 uniforms, plenty for jitter and ratings. */
  normal(): number;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick() from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    chance: (p) => next() < p,
    normal: () => {
      let sum = 0;
      for (let i = 0; i < 12; i++) sum += next();
      return sum - 6;
    },
  };
}

/**
 * murmur3's 32-bit finalizer. It is a bijection on 32-bit integers, which is what lets
 * seeded-uuid.ts turn distinct row indexes into distinct ids.
 */
export function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A seed for one row of one table: every row gets its own stream, so a row does not depend on how
 * many rows were generated before it (the restaurant and review passes can regenerate row i alone).
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = mix32(seed);
  for (const part of parts) h = mix32(h ^ Math.imul(part >>> 0, 0x9e3779b1));
  return h;
}

/** FNV-1a of a string, so that `--seed demo` and `--seed 42` both name a 32-bit seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}
