import { parseArgs } from 'node:util';
import {
  DEFAULT_RESTAURANTS,
  DEFAULT_REVIEWS_PER_RESTAURANT,
  DEFAULT_SEED,
  MAX_RESTAURANTS,
  MAX_REVIEWS_PER_RESTAURANT,
  MAX_USERS,
  resolvePlan,
  type SeedPlan,
} from './seed-plan.js';

export const SEED_USAGE = `usage: db:seed [--restaurants N] [--users N] [--reviews-per-restaurant N] [--seed S] [--reset]

Writes deterministic demo data (users, restaurants, reviews) to the primary (DATABASE_URL).
  --restaurants N             restaurants to write (default ${DEFAULT_RESTAURANTS})
  --users N                   users to write (default max(100, restaurants / 10))
  --reviews-per-restaurant N  average reviews per restaurant, each by a different user
                              (default ${DEFAULT_REVIEWS_PER_RESTAURANT}; 0 to 2N per restaurant, at most --users)
  --seed S                    any string; the same seed and counts give identical rows (default ${DEFAULT_SEED})
  --reset                     empty users, restaurants and reviews first (TRUNCATE ... CASCADE, which
                              also empties refresh_tokens, notifications and photos), then seed
Without --reset, a database that already holds this seed's data is left alone ("already seeded").
Every seeded user's password is "tablestack-demo".`;

export type ParsedSeedArgs =
  | { kind: 'run'; plan: SeedPlan; reset: boolean }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export function parseSeedArgs(argv: readonly string[]): ParsedSeedArgs {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    // parseArgs' messages are already one readable line ("Unknown option '--foo'...").
    return { kind: 'error', message: (error as Error).message.split('\n')[0]! };
  }
  if (values.help) return { kind: 'help' };
  try {
    const restaurants = count(values.restaurants, '--restaurants', 1, MAX_RESTAURANTS);
    const plan = resolvePlan({
      restaurants,
      users: count(values.users, '--users', 1, MAX_USERS),
      reviewsPerRestaurant: count(
        values['reviews-per-restaurant'],
        '--reviews-per-restaurant',
        0,
        MAX_REVIEWS_PER_RESTAURANT,
      ),
      seed: values.seed === '' ? undefined : values.seed,
    });
    return { kind: 'run', plan, reset: values.reset ?? false };
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
}

function parse(argv: readonly string[]) {
  // pnpm 10 passes the `--` of `pnpm db:seed -- --reset` through to the script; npm habits die hard.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      restaurants: { type: 'string' },
      users: { type: 'string' },
      'reviews-per-restaurant': { type: 'string' },
      seed: { type: 'string' },
      reset: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function count(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  // Digits only (underscores allowed for readability, as in 1_000_000): no signs, exponents or hex.
  if (!/^\d[\d_]*$/.test(text)) throw new Error(`${name} must be a whole number, got '${text}'`);
  const value = Number(text.replaceAll('_', ''));
  if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}
