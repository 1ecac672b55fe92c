/**
 * Escapes a field for COPY's text format (tab-separated, newline-terminated, backslash escapes).
 * Text rather than CSV or binary: it is the cheapest format to produce and Postgres parses it fast.
 */
export function escapeCopyText(text: string): string {
  // Almost no seed text needs escaping; testing first avoids a replace per field.
  return SPECIAL.test(text) ? text.replace(SPECIAL_GLOBAL, (char) => ESCAPES[char]!) : text;
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_GLOBAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
