import type { Role } from '@tablestack/auth';

/**
 * A user as clients (and the cache) see it: no password hash, dates as ISO strings so a value read
 * from the cache's Redis tier (JSON) looks exactly like one fresh from the database.
 */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

/** The columns of a PublicUser (never the password hash). */
export const publicUserFields = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type PublicRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
};

export function toPublicUser(row: PublicRow): PublicUser {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}
