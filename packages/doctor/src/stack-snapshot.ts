import { parsePrometheusText, type Sample } from './prometheus-text.js';

/** One replica of an app and what its /metrics said (undefined when it did not answer). */
export interface ReplicaMetrics {
  app: string;
  url: string;
  samples?: Sample[];
  error?: string;
}

/** GET <url>/metrics of every replica, in parallel, each bounded by `timeoutMs`. */
export async function scrapeReplicas(
  replicas: ReadonlyArray<{ app: string; url: string }>,
  timeoutMs: number,
): Promise<ReplicaMetrics[]> {
  return Promise.all(
    replicas.map(async ({ app, url }) => {
      try {
        const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return { app, url, error: `/metrics answered ${response.status}` };
        return { app, url, samples: parsePrometheusText(await response.text()) };
      } catch (error) {
        return { app, url, error: (error as Error).message };
      }
    }),
  );
}

/** Samples named `name` (optionally with matching labels) of one replica. */
export function samplesOf(
  replica: ReplicaMetrics,
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return (replica.samples ?? []).filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}
