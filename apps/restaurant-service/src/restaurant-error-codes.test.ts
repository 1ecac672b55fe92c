import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { restaurantErrorCodes, restaurantProblem } from './restaurant-error-codes.js';

// The README's "Error codes" table is the documentation clients read; it must list exactly the catalog.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('## Error codes');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const documented = Object.fromEntries(
  [...section.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\|/gm)].map((match) => [match[1]!, Number(match[2])]),
);

describe('restaurant error codes', () => {
  it('are documented in README.md with their status, and nothing else is', () => {
    const catalog = Object.fromEntries(
      Object.entries(restaurantErrorCodes).map(([code, { status }]) => [code, status]),
    );
    expect(documented).toEqual(catalog);
  });

  it('make problems with the catalog status and title', () => {
    expect(restaurantProblem('REVIEW_EXISTS', 'detail')).toMatchObject({
      code: 'REVIEW_EXISTS',
      status: 409,
      title: 'Review already exists',
      detail: 'detail',
    });
  });
});
