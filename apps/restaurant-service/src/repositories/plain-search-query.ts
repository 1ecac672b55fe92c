/**
 * Whether a search query is plain words, without web-search syntax: no `"phrase"`, no `-exclusion`,
 * no `or`. Only plain queries get typo-tolerant (trigram) hits: trigram similarity compares the whole
 * query with the name, cuisine and city, so it would bring back a restaurant the query excludes
 * (`pizza -trattoria` is close to "Trattoria ... Pizza") and cannot respect a phrase or an `or`.
 * Someone who writes the syntax means exactly what they wrote.
 */
export function isPlainSearchQuery(q: string): boolean {
  return !q.includes('"') && !/(^|\s)-\S/.test(q) && !/(^|\s)or(\s|$)/i.test(q);
}
