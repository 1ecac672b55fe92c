import { describe, expect, it } from 'vitest';
import { createZipf, seededRandom } from './zipf.js';

describe('createZipf', () => {
  it('picks item k about (1/(k+1)) / H(n) of the time', () => {
    const zipf = createZipf(100, 1, seededRandom(42));
    const counts = new Array<number>(100).fill(0);
    const picks = 200_000;
    for (let i = 0; i < picks; i++) counts[zipf.next()]!++;
    const harmonic = Array.from({ length: 100 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
    expect(counts[0]! / picks).toBeCloseTo(1 / harmonic, 2);
    expect(counts[1]! / picks).toBeCloseTo(0.5 / harmonic, 2);
    expect(counts[9]! / picks).toBeCloseTo(0.1 / harmonic, 2);
    expect(zipf.headShare(100)).toBeCloseTo(1, 10);
  });

  it('stays within range and rejects an empty set', () => {
    const zipf = createZipf(3, 1.2, seededRandom(1));
    for (let i = 0; i < 1000; i++) expect([0, 1, 2]).toContain(zipf.next());
    expect(() => createZipf(0)).toThrow(/positive integer/);
  });
});
