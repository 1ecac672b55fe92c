import { describe, expect, it } from 'vitest';
import { stackEnvFile } from './stack-env.js';

// The stack's own Prometheus (./stack starts it from Debian's package) scrapes every replica of every
// app, and every target is up.
interface Target {
  labels: { job: string; instance: string };
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

const env = stackEnvFile();

async function targets(): Promise<Target[]> {
  const response = await fetch(`${env.PROMETHEUS_URL}/api/v1/targets?state=active`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
}

describe('local Prometheus', () => {
  it('scrapes every replica of every app, all up', async () => {
    const expected = ['GATEWAY_URLS', 'USER_SERVICE_URLS', 'RESTAURANT_SERVICE_URLS', 'WORKER_URLS']
      .flatMap((variable) => (env[variable] ?? '').split(',').filter(Boolean))
      .map((url) => new URL(url).host)
      .sort();
    expect(expected.length).toBeGreaterThanOrEqual(4);

    // Up to 30 s for the first scrape of each (5 s interval in test mode).
    let active: Target[] = [];
    for (let attempt = 0; attempt < 60; attempt += 1) {
      active = await targets();
      if (active.length > 0 && active.every((target) => target.health === 'up')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const apps = active.filter((target) => target.labels.job !== 'prometheus');
    expect(apps.map((target) => target.labels.instance).sort()).toEqual(expected);
    expect(new Set(apps.map((target) => target.labels.job))).toEqual(
      new Set(['gateway', 'user-service', 'restaurant-service', 'worker']),
    );
    const down = active.filter((target) => target.health !== 'up');
    expect(down.map((target) => `${target.labels.instance} ${target.health} ${target.lastError}`)).toEqual(
      [],
    );
  }, 60_000);

  it('stores what it scrapes: up is 1 for every app replica', async () => {
    const response = await fetch(
      `${env.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent('up{job!="prometheus"}')}`,
    );
    const body = (await response.json()) as {
      data: { result: Array<{ metric: { instance: string }; value: [number, string] }> };
    };
    expect(body.data.result.length).toBeGreaterThanOrEqual(4);
    for (const series of body.data.result) expect(series.value[1], series.metric.instance).toBe('1');
  });
});
