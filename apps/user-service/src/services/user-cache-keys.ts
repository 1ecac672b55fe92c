/**
 * How users live in the cache (namespace `user`, 1 h, ARCHITECTURE.md): a profile under `id:<id>`
 * tagged `user:<id>`, which every change of that user invalidates; an email's user id under
 * `email:<email>` (null for an unknown email), invalidated when that email registers. Emails never
 * change (PATCH /users/me refuses `email`), so the email → id entry needs no other invalidation.
 */
export const userCacheKeys = {
  namespace: 'user',
  profile: (id: string) => `id:${id}`,
  email: (email: string) => `email:${email}`,
  tag: (id: string) => `user:${id}`,
} as const;
