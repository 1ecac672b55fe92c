import { type Measurement, median, mergedSamples, percentile } from './bench-runner.js';
import type { BenchCase, CachePath } from './contenders/contender.js';

export interface CaseResult {
  name: string;
  library: string;
  path: CachePath;
  note?: string;
  /** Operations per sample: 1 for Redis cases; for in-memory ones p99 is that of batch means. */
  opsPerSample: number;
  medianNs: number;
  p99Ns: number;
  meanNs: number;
  /** One operation in flight: 1e9 ÷ mean. */
  opsPerSec: number;
  opsTimed: number;
  /** The median of each round: how much the machine's noise moved the case. */
  roundMediansNs: { median: number; min: number; max: number };
  /**
   * Counter moves per operation (loads, Redis commands, cache statistics), from the case run alone
   * before the rounds and again after them: evidence that it takes the path it names.
   */
  perOp: { before: Record<string, number>; after: Record<string, number> };
}

export interface Ratio {
  /** `of` ÷ `to`, on medians. */
  of: string;
  to: string;
  /** Median over the rounds of the per-round ratio (both measured in the same round). */
  perRoundMedian: number;
  perRoundMin: number;
  perRoundMax: number;
  /** The ratio of the medians over all rounds' samples. */
  overall: number;
}

export interface Goal {
  what: string;
  value: number;
  target: string;
  met: boolean;
}

const round = (value: number, digits = 3) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
const significant = (value: number) => Number(value.toPrecision(4));

export function summarizeCases(
  cases: BenchCase[],
  measurements: Measurement[][],
  batchSize: number,
  pathChecks: { before: Record<string, number>[]; after: Record<string, number>[] },
): CaseResult[] {
  return cases.map((benchCase, index) => {
    const rounds = measurements[index]!;
    const sorted = mergedSamples(rounds);
    const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
    const opsTimed = rounds.reduce((sum, measurement) => sum + measurement.ops, 0);
    const roundMedians = rounds.map((measurement) => measurement.p50);
    return {
      name: benchCase.name,
      library: benchCase.library,
      path: benchCase.path,
      ...(benchCase.note ? { note: benchCase.note } : {}),
      opsPerSample: benchCase.batched ? batchSize : 1,
      medianNs: significant(percentile(sorted, 50)),
      p99Ns: significant(percentile(sorted, 99)),
      meanNs: significant(mean),
      opsPerSec: Math.round(1e9 / mean),
      opsTimed,
      roundMediansNs: {
        median: significant(median(roundMedians)),
        min: significant(Math.min(...roundMedians)),
        max: significant(Math.max(...roundMedians)),
      },
      perOp: { before: pathChecks.before[index]!, after: pathChecks.after[index]! },
    };
  });
}

/** Ratio of two cases' medians, per round and overall; undefined when either case did not run. */
export function ratio(
  cases: BenchCase[],
  measurements: Measurement[][],
  of: string,
  to: string,
): Ratio | undefined {
  const a = cases.findIndex((benchCase) => benchCase.name === of);
  const b = cases.findIndex((benchCase) => benchCase.name === to);
  if (a < 0 || b < 0) return undefined;
  const perRound = measurements[a]!.map(
    (measurement, index) => measurement.p50 / measurements[b]![index]!.p50,
  );
  return {
    of,
    to,
    perRoundMedian: round(median(perRound)),
    perRoundMin: round(Math.min(...perRound)),
    perRoundMax: round(Math.max(...perRound)),
    overall: round(
      percentile(mergedSamples(measurements[a]!), 50) / percentile(mergedSamples(measurements[b]!), 50),
    ),
  };
}

/** 182 ns, 47.3 µs, 1.20 ms. */
export function formatNs(ns: number): string {
  if (ns < 1000) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toPrecision(3)} µs`;
  return `${(ns / 1e6).toPrecision(3)} ms`;
}
