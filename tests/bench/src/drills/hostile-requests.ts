// Malformed and hostile requests, generated: bad JSON, huge bodies, wrong types, odd unicode,
// injections in search, broken ids and query strings. Deterministic for a seed, so a failure can be
// replayed. Every one of them must get a 4xx (or a 2xx where the input is merely odd), never a 5xx.

import { seededRandom } from '../lib/zipf.js';

export type HostileCategory =
  | 'bad-json'
  | 'huge-body'
  | 'wrong-types'
  | 'unicode'
  | 'search-injection'
  | 'bad-ids'
  | 'bad-query'
  | 'content-type';

export interface HostileRequest {
  category: HostileCategory;
  method: 'GET' | 'POST' | 'PATCH';
  /** Path under the API root (/api/v1 through nginx, nothing when a service is hit directly). */
  path: string;
  body?: string;
  contentType?: string;
  /** Needs a user's token (a review write): the runner adds one. */
  auth?: boolean;
}

const badJson = [
  '{',
  '{"email": "a@b.c", "password": ',
  '{"email": "a@b.c",}',
  "{'email': 'a@b.c'}",
  '[1, 2,',
  'nul',
  'NaN',
  '{"rating": 5} trailing',
  '\uFEFF{"rating": 5}',
  '{"a":'.repeat(5000),
  '"just a string"',
  '',
  '{"rating": 5, "rating": "dup"}',
  '\u0000',
  '{"rating": 1e309, "comment": "x"}',
  '{"rating": -0, "comment": 1e400}',
];

const wrongValues: unknown[] = [
  null,
  true,
  'five',
  '5',
  5.5,
  -1,
  0,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  [],
  [5],
  {},
  { $gt: 0 },
  'x'.repeat(10_000),
];

const unicode = [
  '😀🍣🍕',
  '\u202Eevil\u202C',
  'Zürich café',
  '\u0000nul',
  '\uD800',
  '𝕦𝕟𝕚𝕔𝕠𝕕𝕖',
  'ア'.repeat(300),
  '\u200B\u200B\u200B',
  'e\u0301\u0301\u0301',
  '\r\n\r\nX-Injected: 1',
];

const injections = [
  "' OR 1=1 --",
  "'; DROP TABLE restaurants; --",
  '" OR ""="',
  'pizza & | !',
  'pizza:*',
  'a <-> b <2> c',
  '((((((pizza',
  '!!!!!!',
  '\\',
  '%',
  '_',
  '$1',
  '{{7*7}}',
  // A template-literal injection, spelled so that it is not one here.
  `$${'{'}process.exit()}`,
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'q'.repeat(5000),
  'pizza'.repeat(400),
  ' ',
  '\u0000',
  'sushi OR 1=1',
  "1' UNION SELECT password_hash FROM users --",
];

const badIds = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  "1' OR '1'='1",
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '%E0%A4%A',
  '%uFFFF',
  '-1',
  '9'.repeat(400),
  'ffffffff-ffff-ffff-ffff-ffffffffffffff',
];

const badQueries = [
  'page=0',
  'page=-1',
  'page=1e9',
  'page=abc',
  'pageSize=101',
  'pageSize=1&pageSize=2',
  'page[]=1',
  'page[$gt]=1',
  'sort=drop',
  'price=9',
  'city=%00',
  'cuisine=' + 'x'.repeat(3000),
  '__proto__[admin]=1',
  'constructor[prototype][admin]=1',
  'lat=91&lng=0&radiusKm=1',
  'lat=abc&lng=0&radiusKm=1',
  'lat=0&lng=0&radiusKm=1e9',
  'lat=0&lng=0',
  'lat=NaN&lng=Infinity&radiusKm=1',
  'unknown=1',
];

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes out as the invalid UTF-8 of one. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text
      .split('')
      .map((char) => {
        try {
          return encodeURIComponent(char);
        } catch {
          return '%ED%A0%80';
        }
      })
      .join('');
  }
}

export interface HostileOptions {
  count: number;
  seed: number;
  /** Restaurant ids that exist, so review writes reach validation rather than a 404. */
  restaurantIds: string[];
}

/** `count` requests cycling over the categories, each built from the seeded random source. */
export function generateHostileRequests(options: HostileOptions): HostileRequest[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const restaurant = () => pick(options.restaurantIds);
  const builders: Record<HostileCategory, () => HostileRequest> = {
    'bad-json': () =>
      random() < 0.5
        ? {
            category: 'bad-json',
            method: 'POST',
            path: '/auth/login',
            body: pick(badJson),
            contentType: 'application/json',
          }
        : {
            category: 'bad-json',
            method: 'POST',
            path: `/restaurants/${restaurant()}/reviews`,
            body: pick(badJson),
            contentType: 'application/json',
            auth: true,
          },
    'huge-body': () => ({
      category: 'huge-body',
      method: 'POST',
      path: random() < 0.5 ? '/auth/register' : `/restaurants/${restaurant()}/reviews`,
      body: JSON.stringify({ comment: 'x'.repeat(Math.floor((0.2 + random()) * 1024 * 1024)), rating: 5 }),
      contentType: 'application/json',
      auth: true,
    }),
    'wrong-types': () => {
      const value = pick(wrongValues);
      return random() < 0.5
        ? {
            category: 'wrong-types',
            method: 'POST',
            path: '/auth/register',
            body: JSON.stringify({ email: value, password: pick(wrongValues), name: value }),
            contentType: 'application/json',
          }
        : {
            category: 'wrong-types',
            method: 'POST',
            path: `/restaurants/${restaurant()}/reviews`,
            body: JSON.stringify({ rating: value, comment: pick(wrongValues), userId: 'someone-else' }),
            contentType: 'application/json',
            auth: true,
          };
    },
    unicode: () =>
      random() < 0.5
        ? { category: 'unicode', method: 'GET', path: `/restaurants/search?q=${encode(pick(unicode))}` }
        : {
            category: 'unicode',
            method: 'POST',
            path: '/auth/login',
            body: JSON.stringify({ email: `${pick(unicode)}@example.test`, password: pick(unicode) }),
            contentType: 'application/json',
          },
    'search-injection': () => ({
      category: 'search-injection',
      method: 'GET',
      path: `/restaurants/search?q=${encode(pick(injections))}${random() < 0.3 ? '&page=2' : ''}`,
    }),
    'bad-ids': () =>
      random() < 0.7
        ? { category: 'bad-ids', method: 'GET', path: `/restaurants/${pick(badIds)}` }
        : {
            category: 'bad-ids',
            method: 'PATCH',
            path: `/reviews/${pick(badIds)}`,
            body: '{"rating": 1}',
            contentType: 'application/json',
            auth: true,
          },
    'bad-query': () => ({
      category: 'bad-query',
      method: 'GET',
      path: `${pick(['/restaurants', '/restaurants/nearby', '/restaurants/search'])}?${pick(badQueries)}`,
    }),
    'content-type': () => ({
      category: 'content-type',
      method: 'POST',
      path: pick(['/auth/login', '/auth/register', `/restaurants/${restaurant()}/reviews`]),
      body: pick(['rating=5&comment=x', '{"rating": 5}', '<xml/>', '\u0000\u0001\u0002']),
      contentType: pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'application/json; charset=utf-16',
        'multipart/form-data; boundary=x',
      ]),
      auth: true,
    }),
  };
  const categories = Object.keys(builders) as HostileCategory[];
  return Array.from({ length: options.count }, (_, i) => builders[categories[i % categories.length]!]());
}
