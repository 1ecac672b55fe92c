import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tablestack/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './server.js';

describe('restaurant-service server', () => {
  const service = createServer({
    env: { JSON_BODY_LIMIT: '1kb' },
    logger: createLogger({ name: 'restaurant-service', level: 'silent' }),
  });
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = service.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers /health with its own name', async () => {
    const response = await fetch(`${base}/health`);
    expect(await response.json()).toEqual({ status: 'ok', service: 'restaurant-service' });
  });

  it('labels its metrics with its name', async () => {
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('service="restaurant-service"');
  });

  it('applies the configured body limit', async () => {
    const response = await fetch(`${base}/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ big: 'x'.repeat(4096) }),
    });
    expect(response.status).toBe(413);
  });
});
