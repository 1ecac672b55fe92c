/** What both tiers store for a key. */
export interface CacheEntry<T = unknown> {
  value: T;
  /** Epoch ms until which the value is fresh. */
  freshUntil: number;
  /** Epoch ms until which the value may still be served stale (grace). */
  staleUntil: number;
  /** When the value was loaded, epoch ms. */
  storedAt: number;
  /** The tags of the value, and the generation each had when it was loaded (same order). */
  tags: readonly string[];
  tagGens: readonly number[];
  /** Size of the serialized value in bytes (what L1's byte bound counts). */
  size: number;
}

/** The JSON form in L2; short member names because it is parsed on every L2 hit. */
interface StoredForm {
  v: unknown;
  f: number;
  s: number;
  a: number;
  t?: string[];
  g?: number[];
}

export function encodeEntry(entry: CacheEntry, serializedValue: string): string {
  const tags = entry.tags.length
    ? `,"t":${JSON.stringify(entry.tags)},"g":${JSON.stringify(entry.tagGens)}`
    : '';
  return `{"f":${entry.freshUntil},"s":${entry.staleUntil},"a":${entry.storedAt}${tags},"v":${serializedValue}}`;
}

export function decodeEntry<T>(text: string): CacheEntry<T> {
  const stored = JSON.parse(text) as StoredForm;
  return {
    value: stored.v as T,
    freshUntil: stored.f,
    staleUntil: stored.s,
    storedAt: stored.a,
    tags: stored.t ?? [],
    tagGens: stored.g ?? [],
    size: text.length,
  };
}
