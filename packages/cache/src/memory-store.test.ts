import { describe, expect, it } from 'vitest';
import { describeCacheStore } from './cache-store.contract.js';
import { MemoryStore } from './memory-store.js';

describeCacheStore('memory', async () => ({
  store: new MemoryStore({ maxEntries: 100, maxBytes: 1_000_000 }),
  teardown: async () => {},
}));

const entryOfSize = (size: number, tags: string[] = []) => ({
  value: 'x',
  freshUntil: Date.now() + 1000,
  staleUntil: Date.now() + 2000,
  storedAt: Date.now(),
  tags,
  tagGens: tags.map(() => 0),
  size,
});

describe('MemoryStore bounds', () => {
  it('evicts the least recently used entry past the entry bound', () => {
    const store = new MemoryStore({ maxEntries: 2, maxBytes: 1_000_000 });
    store.set('a', entryOfSize(1));
    store.set('b', entryOfSize(1));
    store.get('a');
    store.set('c', entryOfSize(1));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
  });

  it('evicts by bytes and refuses a value larger than the whole budget', () => {
    const store = new MemoryStore({ maxEntries: 100, maxBytes: 1000 });
    store.set('a', entryOfSize(600));
    store.set('b', entryOfSize(600));
    expect(store.get('a')).toBeUndefined();
    expect(store.bytes).toBe(600);
    store.set('huge', entryOfSize(5000));
    expect(store.get('huge')).toBeUndefined();
  });

  it('deletes by tag', () => {
    const store = new MemoryStore({ maxEntries: 100, maxBytes: 1_000_000 });
    store.set('a', entryOfSize(1, ['t1']));
    store.set('b', entryOfSize(1, ['t2']));
    expect(store.deleteByTag('t1')).toBe(1);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeDefined();
  });
});
