import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeCdn, startFakeCdn } from '../../test/fake-cdn.js';
import { CdnPurgeError, CloudflareCdnPurger } from './cloudflare-cdn-purger.js';

// The Cloudflare-style purger over a real socket, against a local fake of the purge API.
let cdn: FakeCdn;
const TOKEN = 'cf-token-that-must-never-show';
const purger = (timeoutMs = 2000) =>
  new CloudflareCdnPurger({ apiUrl: cdn.url, zoneId: 'zone-1', apiToken: TOKEN, timeoutMs });

beforeAll(async () => {
  cdn = await startFakeCdn();
});
afterAll(() => cdn.close());
beforeEach(() => {
  cdn.calls.length = 0;
  cdn.mode = 'ok';
});

describe('CloudflareCdnPurger', () => {
  it('posts the URLs to the zone purge endpoint with the bearer token', async () => {
    await purger().purge([
      'https://cdn.example/a.webp',
      'https://cdn.example/b.webp',
      'https://cdn.example/a.webp',
    ]);
    expect(cdn.calls).toEqual([
      {
        path: '/client/v4/zones/zone-1/purge_cache',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/json',
        files: ['https://cdn.example/a.webp', 'https://cdn.example/b.webp'],
      },
    ]);
  });

  it('sends at most 30 URLs per request', async () => {
    const urls = Array.from({ length: 65 }, (_, i) => `https://cdn.example/${i}.webp`);
    await purger().purge(urls);
    expect(cdn.calls.map((call) => call.files.length)).toEqual([30, 30, 5]);
    expect(cdn.purged()).toEqual(urls);
  });

  it('sends nothing for no URLs', async () => {
    await purger().purge([]);
    expect(cdn.calls).toEqual([]);
  });

  it.each([
    ['an API refusal', 'refuse', /HTTP 400\): 1012 Request must contain/],
    ['a server error', 'error', /HTTP 500\): 10000 Internal error/],
  ] as const)(
    'fails on %s, naming the status and the reason but not the token',
    async (_case, mode, message) => {
      cdn.mode = mode;
      const error = await purger()
        .purge(['https://cdn.example/x.webp'])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CdnPurgeError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(TOKEN);
    },
  );

  it('fails when the API does not answer within the timeout', async () => {
    cdn.mode = 'hang';
    const error = await purger(300)
      .purge(['https://cdn.example/x.webp'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CdnPurgeError);
    expect((error as Error).message).toMatch(/request failed/);
  });

  it('fails when nothing listens at the API URL', async () => {
    const nowhere = new CloudflareCdnPurger({
      apiUrl: 'http://127.0.0.1:9/client/v4',
      zoneId: 'z',
      apiToken: TOKEN,
      timeoutMs: 1000,
    });
    await expect(nowhere.purge(['https://cdn.example/x.webp'])).rejects.toThrow(CdnPurgeError);
  });
});
