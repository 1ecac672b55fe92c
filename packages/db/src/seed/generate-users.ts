import { FIRST_NAMES, LAST_NAMES } from './catalog-words.js';
import { DEMO_PASSWORD_HASH } from './demo-password.js';
import { createPrng, deriveSeed } from './prng.js';
import { isoTimestamp, SEED_EPOCH_MS, USER_HISTORY_MS } from './seed-clock.js';
import type { SeedPlan } from './seed-plan.js';
import { SeedStream } from './seed-stream.js';
import { IdSpace, seededUuid } from './seeded-uuid.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'USER';
  passwordHash: string;
  createdAt: string;
}

export const userId = (plan: SeedPlan, index: number): string => seededUuid(plan.seed, IdSpace.user, index);

/**
 * A user's sign-up time on its own stream, so that reviews can be dated after it without
 * generating (or keeping in memory) the user rows.
 */
export function userCreatedAtMs(plan: SeedPlan, index: number): number {
  const fraction = deriveSeed(plan.seed, SeedStream.userTime, index) / 4294967296;
  return SEED_EPOCH_MS - Math.floor(fraction * USER_HISTORY_MS);
}

export function generateUser(plan: SeedPlan, index: number): UserRow {
  const prng = createPrng(deriveSeed(plan.seed, SeedStream.user, index));
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  return {
    id: userId(plan, index),
    // The index makes emails unique; the user-service stores emails trimmed and lower-cased.
    email: `${asciiLower(first)}.${asciiLower(last)}${index + 1}@example.com`,
    name: `${first} ${last}`,
    role: 'USER',
    passwordHash: DEMO_PASSWORD_HASH,
    createdAt: isoTimestamp(userCreatedAtMs(plan, index)),
  };
}

export function* generateUsers(plan: SeedPlan): Generator<UserRow> {
  for (let index = 0; index < plan.users; index++) yield generateUser(plan, index);
}

/** "Müller" -> "muller", "O'Brien" -> "obrien": plain ASCII local parts pass every email validator. */
function asciiLower(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
