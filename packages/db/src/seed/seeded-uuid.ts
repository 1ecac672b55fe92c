import { mix32 } from './prng.js';

/** Which table an id belongs to; part of the key so that tables do not share ids. */
export const IdSpace = { user: 1, restaurant: 2, review: 3 } as const;
export type IdSpace = (typeof IdSpace)[keyof typeof IdSpace];

/** Largest `slot` that seededUuid accepts (a review's position within its restaurant). */
export const MAX_UUID_SLOT = 0xffff;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hex8 = (v: number): string =>
  HEX[v >>> 24]! + HEX[(v >>> 16) & 0xff]! + HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;
const hex4 = (v: number): string => HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;

/**
 * A v4-formatted UUID that is a pure function of (seed, table, index, slot), so reruns write the
 * same ids and any row's id (a review's user, the idempotency marker) can be computed without
 * generating the row.
 *
 * Why not 122 bits straight from the PRNG: mulberry32 has 32 bits of state, so ids drawn from it
 * could take only 2^32 values and a million rows would collide (birthday bound). Instead (index,
 * slot) goes through a 4-round Feistel network, a bijection on 64 bits whatever its round function,
 * so distinct rows get distinct ids by construction while the ids still look random (and spread
 * evenly through B-tree pages like real v4 ids). Those 64 bits fill the first and last words; the
 * middle words are hashed from them and carry the version and variant bits.
 */
export function seededUuid(seed: number, space: IdSpace, index: number, slot = 0): string {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError(`bad index ${index}`);
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_UUID_SLOT) throw new RangeError(`bad slot ${slot}`);
  const key = mix32(seed ^ Math.imul(space, 0x27d4eb2f));
  let left = index >>> 0;
  let right = slot;
  for (let round = 1; round <= 4; round++) {
    const next = (left ^ mix32(right ^ Math.imul(key + round, 0x9e3779b1))) >>> 0;
    left = right;
    right = next;
  }
  const middle = mix32(left ^ right ^ key);
  const low = mix32(middle ^ 0x5bd1e995);
  // Version 4 in the third group; variant 10xx at the top of the fourth.
  const w1 = ((middle & 0xffff0fff) | 0x4000) >>> 0;
  const w2 = ((low & 0x3fffffff) | 0x80000000) >>> 0;
  return `${hex8(left)}-${hex4(w1 >>> 16)}-${hex4(w1)}-${hex4(w2 >>> 16)}-${hex4(w2)}${hex8(right)}`;
}
