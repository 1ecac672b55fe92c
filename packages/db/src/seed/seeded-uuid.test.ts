import { describe, expect, it } from 'vitest';
import { IdSpace, MAX_UUID_SLOT, seededUuid } from './seeded-uuid.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('seededUuid', () => {
  it('is a pure function of seed, table, index and slot', () => {
    expect(seededUuid(1, IdSpace.user, 5)).toBe(seededUuid(1, IdSpace.user, 5));
    const variants = [
      seededUuid(1, IdSpace.user, 5),
      seededUuid(2, IdSpace.user, 5),
      seededUuid(1, IdSpace.restaurant, 5),
      seededUuid(1, IdSpace.user, 6),
      seededUuid(1, IdSpace.user, 5, 1),
    ];
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('formats valid v4 UUIDs', () => {
    for (let i = 0; i < 1000; i++) expect(seededUuid(9, IdSpace.review, i * 7919, i % 7)).toMatch(V4);
    expect(seededUuid(0, IdSpace.user, 0xffffffff, MAX_UUID_SLOT)).toMatch(V4);
  });

  it('never repeats within a table, where PRNG-drawn ids would (2^32 states, birthday bound)', () => {
    const ids = new Set<string>();
    for (let index = 0; index < 200_000; index++) ids.add(seededUuid(123, IdSpace.review, index, index % 3));
    for (let slot = 0; slot < 1000; slot++) ids.add(seededUuid(123, IdSpace.review, 0, slot + 3));
    expect(ids.size).toBe(201_000);
  });

  it('refuses indexes and slots it cannot keep distinct', () => {
    expect(() => seededUuid(1, IdSpace.user, -1)).toThrow(RangeError);
    expect(() => seededUuid(1, IdSpace.user, 2 ** 32)).toThrow(RangeError);
    expect(() => seededUuid(1, IdSpace.user, 0, MAX_UUID_SLOT + 1)).toThrow(RangeError);
    expect(() => seededUuid(1, IdSpace.user, 1.5)).toThrow(RangeError);
  });
});
