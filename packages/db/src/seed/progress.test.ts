import { describe, expect, it } from 'vitest';
import { formatStats, Progress } from './progress.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

/** A clock that advances 50 ms per reading, so rates are predictable. */
function clock() {
  let ms = 0;
  return () => {
    ms += 50;
    return ms;
  };
}

describe('Progress', () => {
  it('logs a line per 10% when not on a terminal', () => {
    const { writes, stream } = sink(false);
    const progress = new Progress({ label: 'reviews', total: 1000, stream, now: clock() });
    for (let i = 0; i < 40; i++) progress.tick(25);
    progress.finish();
    expect(writes).toHaveLength(9);
    expect(writes[0]).toMatch(/^reviews: 10% \(100\/1,000 rows, [\d,]+ rows\/s\)\n$/);
    expect(writes[8]).toMatch(/^reviews: 90% /);
  });

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const { writes, stream } = sink(true);
    const progress = new Progress({ label: 'users', total: 100, stream, now: clock() });
    progress.tick(50);
    progress.tick(10);
    progress.tick(10);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((text) => text.startsWith('\r') && !text.includes('\n'))).toBe(true);
    expect(writes[0]).toContain('50%');
    progress.finish();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('reports rows, seconds and rate', () => {
    const { stream } = sink(false);
    const progress = new Progress({ label: 'users', total: 10, stream, now: clock() });
    progress.tick(10);
    const stats = progress.finish();
    expect(stats).toEqual({ table: 'users', rows: 10, seconds: 0.1, rowsPerSecond: 100 });
    expect(formatStats({ table: 'users', rows: 1_000_000, seconds: 12.345, rowsPerSecond: 81_004 })).toBe(
      'users: 1,000,000 rows in 12.3 s (81,004 rows/s)',
    );
  });
});
