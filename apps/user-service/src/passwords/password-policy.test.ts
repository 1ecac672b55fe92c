import { describe, expect, it } from 'vitest';
import { characterClassesIn, newPasswordSchema, passwordProblems } from './password-policy.js';

describe('password policy', () => {
  it.each([
    ['a passphrase', 'correct horse battery staple'],
    ['letters and digits', 'tablestack2026'],
    ['mixed case only', 'TableStackRocks'],
    ['the seed password', 'tablestack-demo'],
    ['exactly 10 characters', 'abcde12345'],
    ['exactly 128 characters', `${'ab1'.repeat(42)}xy`],
    ['non-Latin letters with a digit', 'пароль-надёжный7'],
  ])('accepts %s', (_name, password) => {
    expect(passwordProblems(password)).toEqual([]);
    expect(newPasswordSchema.safeParse(password).success).toBe(true);
  });

  it.each([
    ['9 characters', 'abcd12345', 'at least 10'],
    ['129 characters', `${'ab1'.repeat(43)}`, 'at most 128'],
    ['only lower-case letters', 'abcdefghijkl', 'at least two'],
    ['only digits', '12345678901234', 'at least two'],
    ['one character repeated', 'aaaaaaaaaaaaA', 'different characters'],
    ['four characters repeated', 'abAB'.repeat(4), 'different characters'],
  ])('refuses %s', (_name, password, expected) => {
    expect(passwordProblems(password).join('; ')).toContain(expected);
    expect(newPasswordSchema.safeParse(password).success).toBe(false);
  });

  it('counts characters, not UTF-16 units (an emoji is one character)', () => {
    expect(passwordProblems('🔒🔒🔒🔒ab1cd')).toContain('must be at least 10 characters');
  });

  it('refuses a password containing the email local part, case-insensitively', () => {
    expect(passwordProblems('my-Grace.Hopper-1906', { email: 'grace.hopper@example.com' })).toEqual([
      'must not contain the email address',
    ]);
    // Short local parts would match by accident ("al" in "totally"), so they are not checked.
    expect(passwordProblems('totally-secret-9', { email: 'al@example.com' })).toEqual([]);
  });

  it('counts character classes', () => {
    expect(characterClassesIn('abc')).toBe(1);
    expect(characterClassesIn('abcD')).toBe(2);
    expect(characterClassesIn('aB1 ')).toBe(4);
  });
});
