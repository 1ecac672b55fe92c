// Light load for the drills: requests sent at a steady rate (not as fast as possible: the point is
// to see what each request meets while something is broken), each outcome kept with its time, so a
// drill can count what happened before, during and after the fault.

import { performance } from 'node:perf_hooks';

export interface Outcome {
  at: number;
  label: string;
  url: string;
  /** 0 = no HTTP answer (connection refused, reset, timeout). */
  status: number;
  ms: number;
  headers?: Headers;
  body?: string;
}

export interface RequestSpec {
  label: string;
  url: string;
  init?: RequestInit;
  /** Keep the body (and headers) of the answer in the outcome. */
  keepBody?: boolean;
}

export async function send(spec: RequestSpec, timeoutMs = 15_000): Promise<Outcome> {
  const started = performance.now();
  const at = Date.now();
  try {
    const response = await fetch(spec.url, { ...spec.init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return {
      at,
      label: spec.label,
      url: spec.url,
      status: response.status,
      ms: performance.now() - started,
      ...(spec.keepBody
        ? { headers: response.headers, body }
        : response.status >= 500
          ? { headers: response.headers, body: body.slice(0, 500) }
          : {}),
    };
  } catch {
    return { at, label: spec.label, url: spec.url, status: 0, ms: performance.now() - started };
  }
}

export interface Traffic {
  outcomes: Outcome[];
  stop(): Promise<Outcome[]>;
}

/** Sends `next()` `ratePerSecond` times a second until stopped; waits for the last ones on stop. */
export function startTraffic(ratePerSecond: number, next: () => RequestSpec): Traffic {
  const outcomes: Outcome[] = [];
  const pending = new Set<Promise<void>>();
  const interval = 1000 / ratePerSecond;
  let stopped = false;
  let due = performance.now();
  const tick = () => {
    if (stopped) return;
    while (performance.now() >= due) {
      const request = send(next()).then((outcome) => {
        outcomes.push(outcome);
      });
      pending.add(request);
      void request.finally(() => pending.delete(request));
      due += interval;
    }
    setTimeout(tick, Math.max(1, due - performance.now()));
  };
  tick();
  return {
    outcomes,
    async stop() {
      stopped = true;
      await Promise.all(pending);
      return outcomes;
    },
  };
}

export interface Counts {
  total: number;
  ok: number;
  /** 4xx other than 429. */
  clientErrors: number;
  limited: number;
  serverErrors: number;
  noAnswer: number;
}

export function countOutcomes(
  outcomes: Outcome[],
  filter: (outcome: Outcome) => boolean = () => true,
): Counts {
  const counts: Counts = { total: 0, ok: 0, clientErrors: 0, limited: 0, serverErrors: 0, noAnswer: 0 };
  for (const outcome of outcomes) {
    if (!filter(outcome)) continue;
    counts.total++;
    if (outcome.status === 0) counts.noAnswer++;
    else if (outcome.status < 400) counts.ok++;
    else if (outcome.status === 429) counts.limited++;
    else if (outcome.status < 500) counts.clientErrors++;
    else counts.serverErrors++;
  }
  return counts;
}

/** Status → count, for the results file. */
export function statusHistogram(outcomes: Outcome[]): Record<string, number> {
  const histogram: Record<string, number> = {};
  for (const outcome of outcomes) histogram[outcome.status] = (histogram[outcome.status] ?? 0) + 1;
  return histogram;
}
