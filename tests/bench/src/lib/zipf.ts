// A Zipf-distributed pick over n items (item k, from 0, has weight 1 / (k + 1)^s): a few restaurants
// get most of the reads, as on a real site. Inverse-CDF sampling over a precomputed table.

export interface Zipf {
  next(): number;
  /** Share of picks that fall on the first `k` items. */
  headShare(k: number): number;
}

/** `random` defaults to Math.random; tests pass a seeded one. */
export function createZipf(n: number, s = 1, random: () => number = Math.random): Zipf {
  if (!Number.isInteger(n) || n < 1) throw new Error(`zipf: n must be a positive integer, got ${n}`);
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s;
    cdf[k] = total;
  }
  for (let k = 0; k < n; k++) cdf[k]! /= total;
  return {
    next() {
      const u = random();
      let low = 0;
      let high = n - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (cdf[mid]! < u) low = mid + 1;
        else high = mid;
      }
      return low;
    },
    headShare(k) {
      return k <= 0 ? 0 : cdf[Math.min(k, n) - 1]!;
    },
  };
}

/** A small deterministic PRNG (mulberry32) for reproducible workloads. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
