import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisConnections, redisEnvSchema } from '@tablestack/redis-client';
import { createLogger } from '@tablestack/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './server.js';
import { DB_LSN_HEADER, WritePositionStore } from './write-positions.js';

// Against the stack's real Redis (REDIS_URL). The upstream is a real HTTP server that plays a
// service: a POST "writes" and answers a WAL position; every request echoes the position it got.
const logger = createLogger({ name: 'gateway', level: 'silent' });
const servers: Server[] = [];
const connections: RedisConnections[] = [];
let written = 0;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// The working gateway gets the stack's usual timeouts: on a loaded machine a 200 ms connect timeout
// loses the first remember() and the test measures the CPU, not the gateway. The degraded one points at
// a dead port and must fail fast.
async function startGateway(redisUrl: string, upstream: string, timeoutMs = 2000): Promise<string> {
  const redis = new RedisConnections({
    env: redisEnvSchema.parse({
      REDIS_URL: redisUrl,
      REDIS_CONNECT_TIMEOUT_MS: String(timeoutMs),
      REDIS_COMMAND_TIMEOUT_MS: String(timeoutMs),
    }),
    service: `gateway-test-${process.pid}`,
    logger,
  });
  connections.push(redis);
  const service = createServer({
    env: {
      USER_SERVICE_URLS: [upstream],
      RESTAURANT_SERVICE_URLS: [upstream],
      UPSTREAM_TIMEOUT_MS: 2000,
      TRUST_PROXY: 'loopback',
    },
    logger,
    writePositions: new WritePositionStore(redis.command, 2000),
  });
  return listen(service.app.listen(0, '127.0.0.1'));
}

let upstream = '';
let gateway = '';

beforeAll(async () => {
  expect(process.env.REDIS_URL, 'REDIS_URL must point at the stack Redis').toBeTruthy();
  upstream = await listen(
    createHttpServer((req, res) => {
      if (req.method === 'POST') {
        written += 1;
        res.setHeader(DB_LSN_HEADER, `0/${(0x1000 + written).toString(16).toUpperCase()}`);
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ received: req.headers[DB_LSN_HEADER] ?? null }));
    }),
  );
  gateway = await startGateway(process.env.REDIS_URL!, upstream);
});

afterAll(async () => {
  for (const server of servers) server.close();
  await Promise.all(connections.map((redis) => redis.close()));
});

const as = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  ...extra,
});

describe('read-your-writes positions through the gateway', () => {
  it('carries a write position to the same user’s next requests, and only theirs', async () => {
    const alice = `alice-${Date.now()}`;
    const write = await fetch(`${gateway}/api/v1/reviews`, { method: 'POST', headers: as(alice) });
    expect(write.status).toBe(200);
    // The position is the gateway's business, not the client's.
    expect(write.headers.get(DB_LSN_HEADER)).toBeNull();

    // remember() is fire-and-forget; the next request may race it (by a few ms, more on a busy machine).
    let received: string | null = null;
    for (let attempt = 0; attempt < 100 && !received; attempt += 1) {
      received = (
        (await (await fetch(`${gateway}/api/v1/restaurants`, { headers: as(alice) })).json()) as {
          received: string | null;
        }
      ).received;
      if (!received) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(received).toMatch(/^0\/[0-9A-F]+$/);

    const bob = await (
      await fetch(`${gateway}/api/v1/restaurants`, { headers: as(`bob-${Date.now()}`) })
    ).json();
    expect(bob).toEqual({ received: null });
  });

  it('drops a position a client tries to send itself', async () => {
    const forged = await (
      await fetch(`${gateway}/api/v1/restaurants`, {
        headers: as(`mallory-${Date.now()}`, { [DB_LSN_HEADER]: 'FFFFFFFF/0' }),
      })
    ).json();
    expect(forged).toEqual({ received: null });
    const anonymous = await (
      await fetch(`${gateway}/api/v1/restaurants`, { headers: { [DB_LSN_HEADER]: 'FFFFFFFF/0' } })
    ).json();
    expect(anonymous).toEqual({ received: null });
  });

  it('keeps answering when Redis is unreachable, without a position', async () => {
    // A port nothing listens on: the command connection fails fast (no offline queue).
    const degraded = await startGateway('redis://127.0.0.1:1', upstream, 200);
    const write = await fetch(`${degraded}/api/v1/reviews`, { method: 'POST', headers: as('carol') });
    expect(write.status).toBe(200);
    const read = await fetch(`${degraded}/api/v1/restaurants`, { headers: as('carol') });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ received: null });
  });
});
