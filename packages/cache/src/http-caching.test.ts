import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etagOf, matchesIfNoneMatch, sendCacheable } from './http-caching.js';

let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) =>
    sendCacheable(req, res, { id: 1, name: 'Tasca' }, { maxAgeSeconds: 60 }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('HTTP caching helpers', () => {
  it('sends the body with ETag and Cache-Control, then 304 for If-None-Match', async () => {
    const first = await fetch(base);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: 1, name: 'Tasca' });
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(etagOf(JSON.stringify({ id: 1, name: 'Tasca' })));

    const again = await fetch(base, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const other = await fetch(base, { headers: { 'if-none-match': 'W/"something-else"' } });
    expect(other.status).toBe(200);
  });

  it('compares ETags weakly, in lists and with *', () => {
    const etag = etagOf('{"a":1}');
    expect(matchesIfNoneMatch(`"x", ${etag.slice(2)}`, etag)).toBe(true);
    expect(matchesIfNoneMatch('*', etag)).toBe(true);
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
    expect(matchesIfNoneMatch('"nope"', etag)).toBe(false);
  });
});
