/**
 * Tags of the independent PRNG streams (see deriveSeed). Fixed numbers: changing one changes every
 * row generated from it.
 */
export const SeedStream = {
  user: 11,
  userTime: 12,
  restaurant: 21,
} as const;
