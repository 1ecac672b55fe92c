import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestService } from '../test/fixtures/test-service.js';

let server: Server | undefined;

async function listen(app: ReturnType<typeof createTestService>['app']): Promise<string> {
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Record<string, unknown>;
}

describe('createService', () => {
  it('answers /health', async () => {
    const base = await listen(createTestService().app);
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'test-service' });
  });

  describe.each([
    ['an unknown route', 'GET', '/nope', undefined, undefined, 404, 'NOT_FOUND'],
    [
      'a body over the limit',
      'POST',
      '/echo',
      'application/json',
      JSON.stringify({ a: 'x'.repeat(2000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['malformed JSON', 'POST', '/echo', 'application/json', '{"a":', 400, 'MALFORMED_JSON'],
    [
      'an unsupported charset',
      'POST',
      '/echo',
      'application/json; charset=klingon',
      '{}',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a path parameter with a broken percent-encoding',
      'GET',
      '/items/%E0%A4%A',
      undefined,
      undefined,
      400,
      'BAD_REQUEST',
    ],
    ['a ProblemError', 'GET', '/conflict', undefined, undefined, 409, 'CONFLICT'],
    ['an unexpected error', 'GET', '/boom', undefined, undefined, 500, 'INTERNAL'],
    ['an unexpected async error', 'GET', '/async-boom', undefined, undefined, 500, 'INTERNAL'],
  ])('%s', (_name, method, path, contentType, body, status, code) => {
    it(`answers ${status} problem+json with code ${code} and the request id`, async () => {
      const base = await listen(createTestService().app);
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(contentType ? { 'content-type': contentType } : {}), 'x-request-id': 'req-123' },
        body,
      });
      expect(response.status).toBe(status);
      const problem = await problemOf(response);
      expect(problem).toMatchObject({ status, code, requestId: 'req-123', instance: path });
      expect(problem.type).toMatch(/^https:\/\/tablestack\.dev\/problems\//);
      expect(typeof problem.title).toBe('string');
      expect(response.headers.get('x-request-id')).toBe('req-123');
    });
  });

  it('keeps stacks and messages of unexpected errors out of the response but logs them', async () => {
    const service = createTestService();
    const base = await listen(service.app);
    const response = await fetch(`${base}/boom`);
    const text = await response.text();
    expect(text).not.toMatch(/hunter2|\bat \w|\.ts:\d|"stack"/);
    const logged = service.lines.join('');
    expect(logged).toContain('unhandled error');
    expect(logged).toContain('"stack"');
  });

  it('sets headers carried by a ProblemError', async () => {
    const base = await listen(createTestService().app);
    const response = await fetch(`${base}/conflict`);
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it('accepts valid JSON bodies', async () => {
    const base = await listen(createTestService().app);
    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { hello: 'world' } });
  });

  it('makes a request id when none or a bad one is sent, and binds it to the log lines', async () => {
    const service = createTestService();
    const base = await listen(service.app);
    const made = (await fetch(`${base}/boom`)).headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = (
      await fetch(`${base}/items/1`, { headers: { 'x-request-id': 'bad id\twith spaces' } })
    ).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const errorLine = service.lines.find((line) => line.includes('unhandled error'));
    expect(errorLine).toContain(`"reqId":"${made}"`);
  });

  it('exports a duration histogram labelled by route pattern, not raw path', async () => {
    const base = await listen(createTestService().app);
    await fetch(`${base}/items/41`);
    await fetch(`${base}/items/42`);
    await fetch(`${base}/nope/123`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const itemCount = metrics
      .split('\n')
      .find(
        (line) =>
          line.startsWith('http_request_duration_seconds_count') && line.includes('route="/items/:id"'),
      );
    expect(itemCount).toMatch(/method="GET".*status_code="200".*\} 2$/);
    expect(metrics).toMatch(/route="unmatched",status_code="404"/);
    expect(metrics).not.toContain('/items/41');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('answers /ready 503 naming the failing dependency, and 200 when all pass', async () => {
    const failing = createTestService({
      readiness: {
        postgres: async () => {},
        redis: () => Promise.reject(new Error('ECONNREFUSED')),
        hung: () => new Promise(() => {}),
      },
    });
    const base = await listen(failing.app);
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      ready: boolean;
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    expect(body.ready).toBe(false);
    expect(body.checks.postgres?.ok).toBe(true);
    expect(body.checks.redis).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    expect(body.checks.hung).toMatchObject({ ok: false, error: 'timed out after 200 ms' });

    await new Promise((resolve) => server?.close(resolve));
    const healthy = createTestService({ readiness: { postgres: async () => {} } });
    const healthyBase = await listen(healthy.app);
    expect((await fetch(`${healthyBase}/ready`)).status).toBe(200);
  });
});
