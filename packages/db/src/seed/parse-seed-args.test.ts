import { describe, expect, it } from 'vitest';
import { parseSeedArgs } from './parse-seed-args.js';
import { hashSeed } from './prng.js';

describe('parseSeedArgs', () => {
  it('defaults to 10k restaurants, 1k users, 3 reviews each, seed "tablestack"', () => {
    expect(parseSeedArgs([])).toEqual({
      kind: 'run',
      reset: false,
      plan: {
        restaurants: 10_000,
        users: 1000,
        reviewsPerRestaurant: 3,
        seedText: 'tablestack',
        seed: hashSeed('tablestack'),
      },
    });
  });

  it('derives users from restaurants, at least 100', () => {
    const users = (argv: string[]) => {
      const parsed = parseSeedArgs(argv);
      return parsed.kind === 'run' ? parsed.plan.users : undefined;
    };
    expect(users(['--restaurants', '1_000_000'])).toBe(100_000);
    expect(users(['--restaurants', '500'])).toBe(100);
    expect(users(['--restaurants', '500', '--users', '7'])).toBe(7);
  });

  it('reads every option', () => {
    const parsed = parseSeedArgs([
      '--restaurants=20',
      '--users',
      '5',
      '--reviews-per-restaurant',
      '0',
      '--seed',
      'bench',
      '--reset',
    ]);
    expect(parsed).toMatchObject({
      kind: 'run',
      reset: true,
      plan: {
        restaurants: 20,
        users: 5,
        reviewsPerRestaurant: 0,
        seedText: 'bench',
        seed: hashSeed('bench'),
      },
    });
  });

  it('ignores the `--` that pnpm passes through', () => {
    expect(parseSeedArgs(['--', '--reset'])).toMatchObject({ kind: 'run', reset: true });
  });

  it('asks for help', () => {
    expect(parseSeedArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseSeedArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--restaurants', 'ten'], /--restaurants must be a whole number/],
    [['--restaurants', '-5'], /--restaurants/],
    [['--restaurants', '0'], /--restaurants must be between 1 and/],
    [['--restaurants', '1e6'], /whole number/],
    [['--users', '0'], /--users must be between 1 and/],
    [['--reviews-per-restaurant', '5000'], /--reviews-per-restaurant must be between 0 and 1000/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /positional argument/],
    [['--restaurants'], /argument missing/],
  ])('rejects %j with one line', (argv, message) => {
    const parsed = parseSeedArgs(argv);
    expect(parsed.kind).toBe('error');
    if (parsed.kind !== 'error') return;
    expect(parsed.message).toMatch(message);
    expect(parsed.message).not.toContain('\n');
  });
});
