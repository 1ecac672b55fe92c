import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry } from './cache-entry.js';
import type { CacheStore } from './cache-store.js';

/**
 * The behaviour every CacheStore must have. Each store's test file calls this with a factory; the
 * same assertions run against the in-process store and against Redis.
 */
export function describeCacheStore(
  name: string,
  setup: () => Promise<{ store: CacheStore; teardown: () => Promise<void> }>,
): void {
  describe(`CacheStore contract: ${name}`, () => {
    let store: CacheStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, teardown } = await setup());
    });
    afterEach(async () => {
      await store.clear();
      await teardown();
    });

    const entry = (value: unknown, tags: string[] = []): { entry: CacheEntry; json: string } => {
      const json = JSON.stringify(value);
      const now = Date.now();
      return {
        entry: {
          value,
          freshUntil: now + 60_000,
          staleUntil: now + 120_000,
          storedAt: now,
          tags,
          tagGens: tags.map(() => 0),
          size: json.length,
        },
        json,
      };
    };

    it('returns undefined for a missing key', async () => {
      expect(await store.get('ns:missing')).toBeUndefined();
    });

    it('returns what was set, with its timings and tags', async () => {
      const { entry: stored, json } = entry({ id: 1, name: 'Tasca', tags: ['a'] }, ['restaurant:1']);
      await store.set('ns:one', stored, json);
      const read = await store.get('ns:one');
      expect(read?.value).toEqual({ id: 1, name: 'Tasca', tags: ['a'] });
      expect(read).toMatchObject({
        freshUntil: stored.freshUntil,
        staleUntil: stored.staleUntil,
        storedAt: stored.storedAt,
        tags: ['restaurant:1'],
      });
    });

    it('keeps values of every JSON type', async () => {
      for (const [index, value] of [
        0,
        '',
        false,
        null,
        [],
        { nested: { deep: [1, 'two'] } },
        'ünïcødé ✓',
      ].entries()) {
        const { entry: stored, json } = entry(value);
        await store.set(`ns:type-${index}`, stored, json);
        expect((await store.get(`ns:type-${index}`))?.value).toEqual(value);
      }
    });

    it('overwrites and deletes', async () => {
      await store.set('ns:k', entry('first').entry, '"first"');
      await store.set('ns:k', entry('second').entry, '"second"');
      expect((await store.get('ns:k'))?.value).toBe('second');
      expect(await store.delete('ns:k')).toBe(true);
      expect(await store.delete('ns:k')).toBe(false);
      expect(await store.get('ns:k')).toBeUndefined();
    });

    it('deletes by prefix only the keys under it, glob characters included literally', async () => {
      for (const key of ['ns:list:a', 'ns:list:b', 'ns:lister', 'ns:li*', 'other:list:a'])
        await store.set(key, entry(key).entry, JSON.stringify(key));
      expect(await store.deleteByPrefix('ns:list:')).toBe(2);
      expect(await store.get('ns:list:a')).toBeUndefined();
      expect((await store.get('ns:lister'))?.value).toBe('ns:lister');
      expect(await store.deleteByPrefix('ns:li*')).toBe(1);
      expect((await store.get('ns:lister'))?.value).toBe('ns:lister');
      expect((await store.get('other:list:a'))?.value).toBe('other:list:a');
    });

    it('clears everything it holds', async () => {
      await store.set('ns:a', entry(1).entry, '1');
      await store.set('other:b', entry(2).entry, '2');
      await store.clear();
      expect(await store.get('ns:a')).toBeUndefined();
      expect(await store.get('other:b')).toBeUndefined();
    });
  });
}
