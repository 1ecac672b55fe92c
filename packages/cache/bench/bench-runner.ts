// Rounds of measurements, built for a noisy machine. On ours CPU steal swings 2-3x within a minute,
// so a case measured during a quiet spell looks faster than it is. Every round measures every case,
// and ratios are taken within a round (see packages/db/bench/bench-runner.ts for the same idea).
//
// In-memory cases (tens to thousands of ns) are measured by mitata, which times them in batches so
// that the timer's own cost vanishes; one case after the other, in an order rotated each round.
// Cases that make a Redis round trip (tens of µs) are measured differently: mitata's `run()` and
// even 300 ms slices per case left the ratio of two Redis cases swinging 0.3x-3x from one round to
// the next here, so they run interleaved operation by operation (one of each case, in a random
// order, again and again), each operation timed alone. All of them then meet the same noise, and the
// per-round ratios stay within a few percent.

import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { measure } from 'mitata';
import type { BenchCase } from './contenders/contender.js';

export interface RoundOptions {
  rounds: number;
  /** Time one case gets in one round (the interleaved Redis block gets this times its case count). */
  timeMs: number;
  /** Time each case runs untimed before the first round (JIT, connections). */
  warmupMs: number;
  /** Operations per sample of a batched (in-memory) case. */
  batchSize: number;
  /** A full garbage collection: before each measurement, so no case pays for another's garbage. */
  gc: () => void;
  onRound?: (round: number) => void;
}

/** One round of one case, in nanoseconds per operation. */
export interface Measurement {
  /** Sorted samples; for a batched case each is the mean of `batchSize` operations. */
  samples: number[];
  p50: number;
  p99: number;
  /** Operations timed. */
  ops: number;
}

const always = Number.MAX_SAFE_INTEGER;

async function measureBatched(
  benchCase: BenchCase,
  timeMs: number,
  options: RoundOptions,
): Promise<Measurement> {
  await benchCase.prepare?.();
  const stats = await measure(benchCase.run, {
    gc: options.gc,
    min_cpu_time: timeMs * 1e6,
    min_samples: 12,
    // Always batch, whatever mitata's timing of the first (cold) calls says.
    warmup_threshold: always,
    warmup_samples: 8,
    batch_threshold: always,
    batch_samples: options.batchSize,
  });
  return { samples: stats.samples, p50: stats.p50, p99: stats.p99, ops: stats.ticks };
}

/**
 * Runs the cases one operation each, in a new random order each sweep, until `timeMs` has passed.
 * Random, not rotated: work an operation leaves behind (a bus message arriving, a socket read) would
 * otherwise always land on the same successor. Between two operations the event loop gets one turn,
 * untimed, for such leftovers.
 */
async function measureInterleaved(
  cases: BenchCase[],
  timeMs: number,
  options: RoundOptions,
): Promise<Measurement[]> {
  for (const benchCase of cases) await benchCase.prepare?.();
  options.gc();
  const samples: number[][] = cases.map(() => []);
  const order = cases.map((_, index) => index);
  const deadline = performance.now() + timeMs;
  while (performance.now() < deadline) {
    shuffle(order);
    for (const index of order) {
      await setImmediate();
      const started = performance.now();
      await cases[index]!.run();
      samples[index]!.push((performance.now() - started) * 1e6);
    }
  }
  return samples.map((values) => {
    values.sort((a, b) => a - b);
    return { samples: values, p50: percentile(values, 50), p99: percentile(values, 99), ops: values.length };
  });
}

/** Fisher-Yates, in place. */
function shuffle(values: number[]): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}

/**
 * Warms every case up, then runs `rounds` rounds. Returns the measurements of each case, indexed
 * like `cases`, one per round.
 */
export async function runRounds(cases: BenchCase[], options: RoundOptions): Promise<Measurement[][]> {
  const batched = cases.flatMap((benchCase, index) => (benchCase.batched ? [index] : []));
  const single = cases.flatMap((benchCase, index) => (benchCase.batched ? [] : [index]));
  const singleCases = single.map((index) => cases[index]!);
  for (const index of batched) await measureBatched(cases[index]!, options.warmupMs, options);
  await measureInterleaved(singleCases, options.warmupMs * single.length, options);

  const results: Measurement[][] = cases.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < batched.length; k++) {
      const index = batched[(round + k) % batched.length]!;
      results[index]!.push(await measureBatched(cases[index]!, options.timeMs, options));
    }
    const measured = await measureInterleaved(singleCases, options.timeMs * single.length, options);
    for (const [position, index] of single.entries()) results[index]!.push(measured[position]!);
    options.onRound?.(round);
  }
  return results;
}

/**
 * Runs each case alone for `ops` operations and returns how its counters (loads, Redis commands,
 * cache statistics) moved per operation: evidence that the case takes the path it names.
 */
export async function checkPath(benchCase: BenchCase, ops: number): Promise<Record<string, number>> {
  await benchCase.prepare?.();
  const before = (await benchCase.counters?.()) ?? {};
  for (let op = 0; op < ops; op++) await benchCase.run();
  const after = (await benchCase.counters?.()) ?? {};
  const perOp: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) {
    const delta = value - (before[name] ?? 0);
    if (delta !== 0) perOp[name] = Math.round((delta / ops) * 100) / 100;
  }
  return perOp;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** The samples of all rounds of a case, sorted ascending. */
export function mergedSamples(measurements: Measurement[]): Float64Array {
  return Float64Array.from(measurements.flatMap((measurement) => measurement.samples)).sort();
}
