import { describe, expect, it } from 'vitest';
import { jitteredBackoff } from './backoff.js';

const policy = { baseMs: 1000, maxMs: 60_000 };

describe('jitteredBackoff', () => {
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [6, 16_000, 32_000],
    [7, 30_000, 60_000],
    [50, 30_000, 60_000],
  ])('retry %i waits between %i and %i ms', (attempt, low, high) => {
    expect(jitteredBackoff(attempt, policy, () => 0)).toBe(low);
    expect(jitteredBackoff(attempt, policy, () => 0.999_999)).toBe(high);
    for (let i = 0; i < 100; i++) {
      const delay = jitteredBackoff(attempt, policy);
      expect(delay).toBeGreaterThanOrEqual(low);
      expect(delay).toBeLessThanOrEqual(high);
    }
  });

  it('treats attempt 0 or less like the first retry', () => {
    expect(jitteredBackoff(0, policy, () => 0)).toBe(500);
  });

  it('spreads retries that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => jitteredBackoff(5, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(jitteredBackoff(10_000, policy, () => 0.999_999)).toBeLessThanOrEqual(60_000);
  });
});
