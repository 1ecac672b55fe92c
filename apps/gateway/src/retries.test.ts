import { createLogger } from '@tablestack/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from './server.js';
import { listenTestGateway } from './test-gateway.js';
import { refusingUpstreamUrls, startTestUpstream } from './test-upstream.js';

// Retries of safe requests on another replica, against real upstream servers on loopback: a replica
// that refuses connections (killed) or drops them mid-request (killed while answering).
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function gateway(restaurants: string[]) {
  const service = createServer({
    env: {
      USER_SERVICE_URLS: ['http://127.0.0.1:9'],
      RESTAURANT_SERVICE_URLS: restaurants,
      UPSTREAM_TIMEOUT_MS: 2000,
      TRUST_PROXY: 'loopback',
    },
    logger: createLogger({ name: 'gateway', level: 'silent' }),
    // A breaker that never opens here: every request meets the bad replica in its turn.
    breakers: {
      errorThresholdPercentage: 100,
      resetTimeoutMs: 60_000,
      volumeThreshold: 1000,
      rollingWindowMs: 10_000,
    },
  });
  const { base, close } = await listenTestGateway(service);
  closers.push(close);
  return { base, service };
}

async function call(url: string, method: string) {
  const response = await fetch(url, {
    method,
    ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' }),
  });
  return { status: response.status, body: await response.text() };
}

describe('requests on a failing replica', () => {
  it.each([
    ['refuses connections', 'refused'],
    ['drops the connection while answering', 'dropped'],
  ] as const)(
    'GET goes on to the other replica when one %s; POST is never sent twice',
    async (_label, mode) => {
      const good = await startTestUpstream((req, res) => {
        req.resume();
        req.on('end', () => res.end(`good ${req.method}`));
      });
      closers.push(good.close);
      const bad = await startTestUpstream((req) => {
        // Reads the whole request first, as a replica that did the work and died before answering.
        req.resume();
        req.on('end', () => req.socket.destroy());
      });
      // Closed only once the gateway listens: closed before, its port was free for the gateway's own
      // listen(0) to take, and the "refused" replica was then the gateway itself (404s).
      const { base, service } = await gateway([good.url, bad.url]);
      if (mode === 'refused') await bad.close();
      else closers.push(bad.close);

      const gets = [];
      for (let index = 0; index < 6; index += 1) gets.push(await call(`${base}/api/v1/restaurants`, 'GET'));
      expect(gets.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      expect(new Set(gets.map((answer) => answer.body))).toEqual(new Set(['good GET']));
      expect(service.pools[1]!.retries).toBe(3); // every second request met the bad replica first

      const hitsBefore = { good: good.hits(), bad: bad.hits() };
      const posts = [];
      for (let index = 0; index < 6; index += 1) posts.push(await call(`${base}/api/v1/restaurants`, 'POST'));
      const statuses = posts.map((answer) => answer.status);
      // Round robin: half the POSTs meet the bad replica and fail with 502; none is replayed elsewhere.
      expect(statuses.filter((status) => status === 502)).toHaveLength(3);
      expect(statuses.filter((status) => status === 200)).toHaveLength(3);
      expect(good.hits() - hitsBefore.good).toBe(3);
      if (mode === 'dropped') expect(bad.hits() - hitsBefore.bad).toBe(3);
      expect(JSON.parse(posts.find((answer) => answer.status === 502)!.body)).toMatchObject({
        code: 'BAD_GATEWAY',
      });
      expect(service.pools[1]!.retries).toBe(3);
    },
  );

  it('answers 502 when every replica fails a GET, after trying each once', async () => {
    const { base, service } = await gateway([...refusingUpstreamUrls]);
    const answer = await call(`${base}/api/v1/restaurants`, 'GET');
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'BAD_GATEWAY' });
    expect(service.pools[1]!.retries).toBe(1);
  });
});
