import { describe, expect, it } from 'vitest';
import { createPrng } from './prng.js';
import { isoTimestamp, SEED_EPOCH_MS } from './seed-clock.js';

describe('isoTimestamp', () => {
  it('matches Date#toISOString', () => {
    const prng = createPrng(5);
    const samples = [0, SEED_EPOCH_MS, SEED_EPOCH_MS - 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999)];
    for (let i = 0; i < 5000; i++)
      samples.push(SEED_EPOCH_MS - Math.floor(prng.next() * 10 * 365 * 86_400_000));
    for (const ms of samples) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });
});
