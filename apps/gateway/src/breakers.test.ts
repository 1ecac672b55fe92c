import { createLogger } from '@tablestack/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from './server.js';
import { listenTestGateway } from './test-gateway.js';
import { refusingUpstreamUrls, startTestUpstream } from './test-upstream.js';

// Breakers per upstream replica, with real upstream servers on loopback.
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function gateway(restaurants: string[], resetTimeoutMs = 300) {
  const service = createServer({
    env: {
      USER_SERVICE_URLS: ['http://127.0.0.1:9'],
      RESTAURANT_SERVICE_URLS: restaurants,
      UPSTREAM_TIMEOUT_MS: 1000,
      TRUST_PROXY: 'loopback',
    },
    logger: createLogger({ name: 'gateway', level: 'silent' }),
    breakers: {
      errorThresholdPercentage: 50,
      resetTimeoutMs,
      volumeThreshold: 4,
      rollingWindowMs: 10_000,
    },
  });
  const { base, close } = await listenTestGateway(service);
  closers.push(close);
  return { base, service };
}

const get = async (url: string) => {
  const response = await fetch(url);
  return {
    status: response.status,
    body: await response.text(),
    retryAfter: response.headers.get('retry-after'),
  };
};

describe('circuit breakers', () => {
  it('open on 5xx answers: then 503 problem+json with Retry-After, without calling the upstream', async () => {
    let failing = true;
    const upstream = await startTestUpstream((_req, res) => {
      res.statusCode = failing ? 500 : 200;
      res.end(failing ? 'boom' : 'ok');
    });
    closers.push(upstream.close);
    const { base, service } = await gateway([upstream.url]);

    for (let index = 0; index < 4; index += 1)
      expect((await get(`${base}/api/v1/restaurants`)).status).toBe(500);
    expect(service.pools[1]!.members[0]!.state).toBe('open');
    const hitsWhenOpen = upstream.hits();
    const refused = await get(`${base}/api/v1/restaurants`);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(refused.body).not.toContain('boom');
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(upstream.hits()).toBe(hitsWhenOpen);
    // /health stays 200 (liveness) and shows each upstream replica's state.
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(
      ((await health.json()) as { upstreams: Record<string, Array<{ state: string }>> }).upstreams[
        'restaurant-service'
      ]![0]!.state,
    ).toBe('open');

    // It recovers on its own: after the reset timeout one trial goes through, and it closes.
    failing = false;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await get(`${base}/api/v1/restaurants`)).status).toBe(200);
    expect(service.pools[1]!.members[0]!.state).toBe('closed');
  });

  it('survive an upstream that stays down past the reset timeout under concurrent load', async () => {
    // Regression: half-open breakers refused the concurrent calls, whose unwatched outcomes then
    // rejected unhandled and took the whole gateway process down.
    const { base } = await gateway([refusingUpstreamUrls[0]], 100);
    const statuses = new Set<number>();
    const until = Date.now() + 700;
    while (Date.now() < until) {
      const wave = await Promise.all(Array.from({ length: 16 }, () => get(`${base}/api/v1/restaurants`)));
      for (const { status } of wave) statuses.add(status);
    }
    // Only the gateway's own answers: 502 while it tries, 503 while the breaker is open.
    expect([...statuses].every((status) => status === 502 || status === 503)).toBe(true);
    expect(statuses.has(503)).toBe(true);
  });

  it('do not count 4xx answers', async () => {
    const upstream = await startTestUpstream((_req, res) => {
      res.statusCode = 404;
      res.end('{}');
    });
    closers.push(upstream.close);
    const { base, service } = await gateway([upstream.url]);
    for (let index = 0; index < 10; index += 1)
      expect((await get(`${base}/api/v1/restaurants/x`)).status).toBe(404);
    expect(service.pools[1]!.members[0]!.state).toBe('closed');
  });

  it('take a killed replica out while the other keeps answering, and bring it back when it returns', async () => {
    const alive = await startTestUpstream((_req, res) => res.end('alive'));
    closers.push(alive.close);
    const doomed = await startTestUpstream((_req, res) => res.end('doomed'));
    const port = Number(new URL(doomed.url).port);
    // A long reset timeout: on a busy machine 20 requests can outlast a short one, and the breaker's
    // trial call to the still-dead replica would show up as a 502 among them.
    const { base, service } = await gateway([alive.url, doomed.url], 3000);
    await doomed.close(); // killed: connections refused

    const statuses: number[] = [];
    for (let index = 0; index < 20; index += 1)
      statuses.push((await get(`${base}/api/v1/restaurants`)).status);
    // GETs that meet the dead replica go on to the live one (none fails); its breaker still counts the
    // refusals and opens, after which only the live one is called.
    expect(statuses).toEqual(Array(20).fill(200));
    expect(service.pools[1]!.members[1]!.state).toBe('open');
    expect(service.pools[1]!.retries).toBeGreaterThan(0);

    const back = await startTestUpstream((_req, res) => res.end('back'), port);
    closers.push(back.close);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const bodies = new Set<string>();
    for (let index = 0; index < 6; index += 1) bodies.add((await get(`${base}/api/v1/restaurants`)).body);
    expect(bodies).toEqual(new Set(['alive', 'back']));
  });
});
