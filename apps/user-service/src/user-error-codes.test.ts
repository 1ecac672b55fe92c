import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { userErrorCodes, userProblem } from './user-error-codes.js';

// The README's "Error codes" table is the documentation clients read; it must list exactly the catalog.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf('## Error codes'),
  readme.indexOf('\n## ', readme.indexOf('## Error codes') + 1),
);
const documented = Object.fromEntries(
  [...section.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\|/gm)].map((match) => [match[1]!, Number(match[2])]),
);

describe('user error codes', () => {
  it('are documented in README.md with their status, and nothing else is', () => {
    const catalog = Object.fromEntries(
      Object.entries(userErrorCodes).map(([code, { status }]) => [code, status]),
    );
    expect(documented).toEqual(catalog);
  });

  it('make problems with the catalog status and title', () => {
    const problem = userProblem('TOKEN_REUSED', 'detail');
    expect(problem).toMatchObject({
      code: 'TOKEN_REUSED',
      status: 401,
      title: 'Refresh token reused',
      detail: 'detail',
    });
  });
});
