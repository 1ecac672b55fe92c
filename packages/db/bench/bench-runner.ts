// A small interleaving benchmark runner. Why not tinybench or mitata: they run one case to the end
// before starting the next, and on our shared machines CPU steal swings 2-3x within a minute, so a
// case that happens to run during a quiet spell looks faster than it is. Here every round runs every
// case for a short slice, in a rotated order, and ratios are taken within a round, so the noise hits
// all cases alike.

import { performance } from 'node:perf_hooks';

export interface BenchCase {
  name: string;
  /** One operation; `index` increments per call so cases can walk the same key sequence. */
  run: (index: number) => Promise<void>;
}

export interface Slot {
  case: BenchCase;
  /** Operations in flight at once. */
  concurrency: number;
}

export interface SliceResult {
  ops: number;
  elapsedMs: number;
  /** Latency of each operation, in milliseconds. */
  latencies: Float64Array;
}

export interface RunOptions {
  rounds: number;
  sliceMs: number;
  warmupMs: number;
  /** Called after each slice, for progress output. */
  onSlice?: (round: number, slot: Slot, result: SliceResult) => void;
}

/** Runs `concurrency` loops that each start a new operation as soon as their previous one ends. */
export async function runSlice(slot: Slot, durationMs: number): Promise<SliceResult> {
  const latencies: number[] = [];
  let index = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await slot.case.run(index++);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: slot.concurrency }, worker));
  return {
    ops: latencies.length,
    elapsedMs: performance.now() - started,
    latencies: Float64Array.from(latencies),
  };
}

/**
 * Warms every slot up once, then runs `rounds` rounds of every slot. Round r starts at slot r (mod the
 * slot count), so each slot takes each position in the order equally often and no case always runs
 * right after the slow new-connection case. Returns the slices of each slot, indexed like `slots`.
 */
export async function runInterleaved(slots: Slot[], options: RunOptions): Promise<SliceResult[][]> {
  for (const slot of slots) await runSlice(slot, options.warmupMs);
  const results: SliceResult[][] = slots.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < slots.length; k++) {
      const position = (round + k) % slots.length;
      const slot = slots[position]!;
      const result = await runSlice(slot, options.sliceMs);
      results[position]!.push(result);
      options.onSlice?.(round, slot, result);
    }
  }
  return results;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** All latencies of a slot's slices, sorted ascending. */
export function sortedLatencies(slices: SliceResult[]): Float64Array {
  const all = new Float64Array(slices.reduce((sum, slice) => sum + slice.latencies.length, 0));
  let offset = 0;
  for (const slice of slices) {
    all.set(slice.latencies, offset);
    offset += slice.latencies.length;
  }
  return all.sort();
}

export function opsPerSecond(slices: SliceResult[]): number {
  const ops = slices.reduce((sum, slice) => sum + slice.ops, 0);
  const ms = slices.reduce((sum, slice) => sum + slice.elapsedMs, 0);
  return ms > 0 ? (ops * 1000) / ms : 0;
}
