// autocannon, run for one slice and kept raw (skipAggregateResult), so that the slices of a case from
// every round can be merged into one latency histogram at the end (autocannon.aggregateResult), rather
// than averaging per-slice percentiles.

import autocannon from 'autocannon';

/** What autocannon resolves with under `skipAggregateResult`: counters and encoded histograms. */
export interface RawSlice {
  latencies: string;
  requests: string;
  throughput: string;
  totalCompletedRequests: number;
  totalRequests: number;
  totalBytes: number;
  samples: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
  /** Seconds, to 10 ms. */
  duration: number;
}

// Exported by autocannon, missing from its typings.
const { aggregateResult } = autocannon as unknown as {
  aggregateResult(results: RawSlice[], options: { url: string; connections: number }): autocannon.Result;
};

export interface LoadOptions {
  /** One URL, or one per replica: autocannon spreads its connections over them. */
  urls: string[];
  connections: number;
  durationMs: number;
}

/** Keeps `connections` requests in flight for `durationMs`; 2xx latencies only go to the histogram. */
export async function runLoad(options: LoadOptions): Promise<RawSlice> {
  const result = await autocannon({
    // A list is accepted at run time, not in the typings.
    url: (options.urls.length === 1 ? options.urls[0]! : options.urls) as string,
    connections: options.connections,
    duration: options.durationMs / 1000,
    timeout: 10,
    skipAggregateResult: true,
  });
  return result as unknown as RawSlice;
}

export interface LoadSummary {
  /** 2xx responses. */
  ok: number;
  /** 2xx responses per second of load. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** Merges slices; read their counters before, as aggregateResult adds into the first one's objects. */
export function summarizeLoad(slices: RawSlice[], options: Omit<LoadOptions, 'durationMs'>): LoadSummary {
  const ok = slices.reduce((sum, slice) => sum + slice['2xx'], 0);
  const seconds = slices.reduce((sum, slice) => sum + slice.duration, 0);
  const statusCodes: Record<string, number> = {};
  for (const slice of slices) {
    for (const [code, { count }] of Object.entries(slice.statusCodeStats)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  const counters = {
    non2xx: slices.reduce((sum, slice) => sum + slice.non2xx, 0),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    timeouts: slices.reduce((sum, slice) => sum + slice.timeouts, 0),
  };
  const merged = aggregateResult(structuredClone(slices), {
    url: options.urls.join(','),
    connections: options.connections,
  });
  return {
    ok,
    okPerSecond: seconds > 0 ? ok / seconds : 0,
    p50Ms: merged.latency.p50,
    p99Ms: merged.latency.p99,
    meanMs: merged.latency.mean,
    ...counters,
    statusCodes,
  };
}

/** 2xx per second of one slice. */
export function okPerSecond(slice: RawSlice): number {
  return slice.duration > 0 ? slice['2xx'] / slice.duration : 0;
}
