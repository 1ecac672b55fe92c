import { describe, expect, it } from 'vitest';
import { isPlainSearchQuery } from './plain-search-query.js';

describe('isPlainSearchQuery', () => {
  it.each(['piza', 'sushj bar', 'wood-fired margherita', 'Oregon grill', 'tandoori', 'pad thai -'])(
    '%s is plain words (typo tolerance applies)',
    (q) => expect(isPlainSearchQuery(q)).toBe(true),
  );

  it.each([
    '"duck confit"',
    'pizza -trattoria',
    '-ramen',
    'tacos or burritos',
    'tacos OR burritos',
    'or pizza',
  ])('%s uses web-search syntax (full text only)', (q) => expect(isPlainSearchQuery(q)).toBe(false));
});
