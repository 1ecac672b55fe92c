import { describe, expect, it } from 'vitest';
import { checkTargets } from './targets.js';

const passing = {
  fullDetailRps: 1300,
  naiveRps: 600,
  directDetailRps: 2000,
  expressRps: 2400,
  fullDetailHalfLoadP99Ms: 20,
  cacheRatio: 12,
  cacheHitRate: 0.97,
};

describe('checkTargets', () => {
  it('meets every target when every ratio is on the right side', () => {
    const checks = checkTargets(passing);
    expect(checks.every((check) => check.met)).toBe(true);
    expect(checks[0]!.measured).toBeCloseTo(1300 / 600);
  });

  it.each([
    ['fullDetailRps', 1100, 'full path ÷ naive'],
    ['directDetailRps', 1900, 'restaurant-service direct ÷ minimal Express'],
    ['fullDetailHalfLoadP99Ms', 26, 'p99'],
    ['fullDetailHalfLoadP99Ms', null, 'p99'],
    ['cacheRatio', 9.9, 'cache on'],
    ['cacheHitRate', 0.9, 'hit rate'],
  ] as const)('misses a target when %s is %s', (field, value, name) => {
    const checks = checkTargets({ ...passing, [field]: value });
    expect(
      checks
        .filter((check) => !check.met)
        .map((check) => check.name)
        .join(),
    ).toContain(name);
  });

  it('does not divide by zero', () => {
    const checks = checkTargets({ ...passing, naiveRps: 0, directDetailRps: 0, expressRps: 0 });
    expect(checks.slice(0, 3).map((check) => check.measured)).toEqual([0, 0, 0]);
  });
});
