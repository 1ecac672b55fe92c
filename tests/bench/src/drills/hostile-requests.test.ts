import { describe, expect, it } from 'vitest';
import { generateHostileRequests } from './hostile-requests.js';

const restaurantIds = ['016a7f37-c854-4da5-bcb4-656174256799'];

describe('generateHostileRequests', () => {
  it('is deterministic for a seed and different for another', () => {
    const a = generateHostileRequests({ count: 200, seed: 7, restaurantIds });
    expect(generateHostileRequests({ count: 200, seed: 7, restaurantIds })).toEqual(a);
    expect(generateHostileRequests({ count: 200, seed: 8, restaurantIds })).not.toEqual(a);
  });

  it('covers every category evenly, with relative paths and bodies only where sent', () => {
    const requests = generateHostileRequests({ count: 800, seed: 1, restaurantIds });
    const perCategory = new Map<string, number>();
    for (const request of requests) {
      perCategory.set(request.category, (perCategory.get(request.category) ?? 0) + 1);
      expect(request.path.startsWith('/')).toBe(true);
      if (request.method === 'GET') expect(request.body).toBeUndefined();
    }
    expect([...perCategory.values()]).toEqual(new Array(8).fill(100));
  });

  it('makes huge bodies over a megabyte at times, and search injections URL-encoded', () => {
    const requests = generateHostileRequests({ count: 800, seed: 3, restaurantIds });
    const huge = requests.filter((request) => request.category === 'huge-body');
    expect(Math.max(...huge.map((request) => request.body!.length))).toBeGreaterThan(1024 * 1024);
    for (const request of requests.filter((r) => r.category === 'search-injection')) {
      expect(request.path).toMatch(/^\/restaurants\/search\?q=[^ ]*$/);
    }
  });
});
