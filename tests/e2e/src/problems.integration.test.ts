import { describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code });
  expect(typeof body.requestId).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat \w+ \(|node_modules/);
  return body;
}

describe('errors through nginx are problem+json', () => {
  it('404 for an unknown gateway route, with the request id nginx passed along', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/no/such/route`, {
      headers: { 'x-request-id': 'e2e-404' },
    });
    const body = await expectProblem(response, 404, 'NOT_FOUND');
    expect(body.requestId).toBe('e2e-404');
    expect(response.headers.get('x-request-id')).toBe('e2e-404');
  });

  it('404 from an upstream service behind the gateway', async () => {
    await expectProblem(await fetch(`${stackEnv.publicUrl}/api/v1/users/no-such-thing`), 404, 'NOT_FOUND');
  });

  it('413 for a JSON body over the service limit', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/api/v1/users/me`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(200_000) }),
    });
    await expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('413 from nginx itself for a body over its limit', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/api/v1/users/me`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(11 * 1024 * 1024, 0x20),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('400 for malformed JSON', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    await expectProblem(response, 400, 'MALFORMED_JSON');
  });

  it.each([
    ['a NUL byte in the path (nginx itself)', '/api/v1/restaurants/%00', 'BAD_REQUEST'],
    ['a broken percent-encoding in the path (nginx itself)', '/api/v1/restaurants/%E0%A4%A', 'BAD_REQUEST'],
    [
      'a NUL byte in a search (the database cannot compare it)',
      '/api/v1/restaurants/search?q=%00',
      'INVALID_TEXT',
    ],
    ['a NUL byte in a list filter', '/api/v1/restaurants?city=%00', 'INVALID_TEXT'],
  ])('400 problem+json for %s, never a 500', async (_name, path, code) => {
    await expectProblem(await fetch(`${stackEnv.publicUrl}${path}`), 400, code);
  });

  it('makes a request id when the client sends none, and adds security headers', async () => {
    const response = await fetch(`${stackEnv.publicUrl}/health`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{16,}$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});
