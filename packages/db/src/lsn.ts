/**
 * Postgres WAL positions (`16/B374D848`) as bigints, so that "has this replica replayed that write"
 * is a plain comparison.
 */
export type Lsn = bigint;

export function parseLsn(text: string): Lsn {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** Parses a header value; anything malformed is treated as absent (a client cannot break routing). */
export function parseLsnOrUndefined(text: string | undefined | null): Lsn | undefined {
  if (!text) return undefined;
  try {
    return parseLsn(text);
  } catch {
    return undefined;
  }
}
