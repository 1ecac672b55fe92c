// Load with autocannon's programmatic API (keep-alive connections, HTTP/1.1). Two modes per case:
// saturation (a fixed number of requests in flight, as fast as the server answers) for throughput,
// and a fixed overall rate (half the saturated throughput) for latency: latency at saturation only
// measures the queue. autocannon runs in this process, on the same 2 cores as the servers.

import autocannon from 'autocannon';

export interface Target {
  /** Base URL, e.g. http://127.0.0.1:49300 (one per replica: autocannon spreads its connections). */
  urls: string[];
  /** Path of every request, or a function that picks one per request (a Zipf workload). */
  path: string | (() => string);
  method?: 'GET' | 'POST';
  /** A JSON body, or a function that builds one per request (a different user each time). */
  body?: string | (() => string);
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** 2xx per second. */
  rps: number;
  requests: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationS: number;
  connections: number;
  /** The rate asked for in fixed-rate mode. */
  targetRps?: number;
}

export interface LoadOptions {
  connections: number;
  durationMs: number;
  /** Requests per second over all connections; unset = saturation. */
  overallRate?: number;
}

export async function runLoad(target: Target, options: LoadOptions): Promise<LoadResult> {
  const dynamicPath = typeof target.path === 'function' ? target.path : undefined;
  const dynamicBody = typeof target.body === 'function' ? target.body : undefined;
  const firstPath = typeof target.path === 'string' ? target.path : target.path();
  const instance = {
    // A list of URLs is accepted at run time, not in the typings.
    url: (target.urls.length === 1 ? target.urls[0]! : target.urls) as string,
    connections: options.connections,
    duration: options.durationMs / 1000,
    timeout: 10,
    method: target.method ?? 'GET',
    headers: { ...(target.body ? { 'content-type': 'application/json' } : {}), ...target.headers },
    ...(typeof target.body === 'string' ? { body: target.body } : {}),
    ...(options.overallRate ? { overallRate: Math.max(1, Math.round(options.overallRate)) } : {}),
    requests: [
      dynamicPath || dynamicBody
        ? {
            setupRequest: (request: autocannon.Request) => ({
              ...request,
              path: dynamicPath ? dynamicPath() : firstPath,
              ...(dynamicBody ? { body: dynamicBody() } : {}),
            }),
          }
        : { path: firstPath },
    ],
  } as autocannon.Options;
  const result = await autocannon(instance);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(
    (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {},
  )) {
    statusCodes[code] = count;
  }
  const ok = result['2xx'];
  return {
    rps: result.duration > 0 ? ok / result.duration : 0,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationS: result.duration,
    connections: options.connections,
    ...(options.overallRate ? { targetRps: Math.round(options.overallRate) } : {}),
  };
}

export interface CaseResult {
  saturated: LoadResult;
  /** 2xx/s of each round's saturated slice, in round order. */
  perRound: number[];
  /** At half of `saturated.rps`. */
  halfLoad?: LoadResult;
}

export interface PhaseDurations {
  warmupMs: number;
  phaseMs: number;
  connections: number;
  rounds: number;
}

export interface Case {
  key: string;
  target: Target;
  connections?: number;
  /** Also measure latency at half the saturated throughput. @default true */
  halfLoad?: boolean;
}

function merge(slices: LoadResult[]): LoadResult {
  const total = slices.reduce((sum, slice) => sum + slice.durationS, 0);
  const ok = slices.reduce((sum, slice) => sum + slice.rps * slice.durationS, 0);
  const statusCodes: Record<string, number> = {};
  for (const slice of slices) {
    for (const [code, count] of Object.entries(slice.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  const add = (field: 'requests' | 'non2xx' | 'errors' | 'timeouts') =>
    slices.reduce((sum, slice) => sum + slice[field], 0);
  const worst = (field: 'p50Ms' | 'p90Ms' | 'p99Ms' | 'meanMs') =>
    Math.max(...slices.map((slice) => slice[field]));
  return {
    rps: total > 0 ? ok / total : 0,
    requests: add('requests'),
    // Percentiles at saturation are queueing, kept only for reference: the worst slice's.
    p50Ms: worst('p50Ms'),
    p90Ms: worst('p90Ms'),
    p99Ms: worst('p99Ms'),
    meanMs: worst('meanMs'),
    non2xx: add('non2xx'),
    errors: add('errors'),
    timeouts: add('timeouts'),
    statusCodes,
    durationS: total,
    connections: slices[0]!.connections,
  };
}

/**
 * Every case at saturation in `rounds` interleaved slices (the order rotated each round, so a noisy
 * moment of the shared machine does not land on one case only; each case warmed up before its first
 * slice), then each at a fixed rate of half its saturated throughput for latency.
 */
export async function measureCases(
  cases: Case[],
  durations: PhaseDurations,
  onCase: (key: string, phase: string) => void = () => {},
): Promise<Map<string, CaseResult>> {
  const slices = new Map<string, LoadResult[]>(cases.map((item) => [item.key, []]));
  for (let round = 0; round < durations.rounds; round++) {
    const order = cases.map((_, i) => cases[(i + round) % cases.length]!);
    for (const item of order) {
      const connections = item.connections ?? durations.connections;
      onCase(item.key, `saturation, round ${round + 1}/${durations.rounds}`);
      if (round === 0 && durations.warmupMs > 0) {
        await runLoad(item.target, { connections, durationMs: durations.warmupMs });
      }
      slices.get(item.key)!.push(await runLoad(item.target, { connections, durationMs: durations.phaseMs }));
    }
  }
  const results = new Map<string, CaseResult>();
  for (const item of cases) {
    const own = slices.get(item.key)!;
    const saturated = merge(own);
    const result: CaseResult = { saturated, perRound: own.map((slice) => slice.rps) };
    if (item.halfLoad !== false && saturated.rps >= 2) {
      onCase(item.key, 'half load');
      result.halfLoad = await runLoad(item.target, {
        connections: item.connections ?? durations.connections,
        durationMs: durations.phaseMs,
        overallRate: saturated.rps / 2,
      });
    }
    results.set(item.key, result);
  }
  return results;
}
