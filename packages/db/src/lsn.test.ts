import { describe, expect, it } from 'vitest';
import { formatLsn, parseLsn, parseLsnOrUndefined } from './lsn.js';

describe('WAL positions', () => {
  it('parses and formats round trip', () => {
    for (const text of ['0/0', '0/16B3748', '16/B374D848', 'FFFFFFFF/FFFFFFFF']) {
      expect(formatLsn(parseLsn(text))).toBe(text);
    }
  });

  it('orders positions across the high word', () => {
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(parseLsn('0/10') > parseLsn('0/F')).toBe(true);
  });

  it.each(['', 'abc', '1/2/3', '0/GG', '123456789/0', '0/1; drop table users'])(
    'treats %j as absent',
    (text) => {
      expect(parseLsnOrUndefined(text)).toBeUndefined();
      if (text) expect(() => parseLsn(text)).toThrow(/not a WAL position/);
    },
  );
});
