import { escapeCopyText as text } from './copy-text.js';
import type { RestaurantRow } from './generate-restaurants.js';
import type { ReviewRow } from './generate-reviews.js';
import type { UserRow } from './generate-users.js';

/**
 * A table the seed writes: its columns in COPY order and how a row becomes a COPY text line.
 * Only free text goes through `text()`: ids, timestamps, enum values, the password hash and numbers
 * never contain tabs, newlines or backslashes, and skipping them keeps a million-row load cheap.
 * seed-tables.test.ts checks that every line has one field per column.
 */
export interface SeedTable<Row> {
  name: 'users' | 'restaurants' | 'reviews';
  columns: readonly string[];
  line(row: Row): string;
}

export const usersTable: SeedTable<UserRow> = {
  name: 'users',
  columns: ['id', 'email', 'name', 'role', 'password_hash', 'created_at', 'updated_at'],
  line: (u) =>
    `${u.id}\t${text(u.email)}\t${text(u.name)}\t${u.role}\t${u.passwordHash}\t${u.createdAt}\t${u.createdAt}\n`,
};

/** `search` and `earth` are GENERATED ALWAYS columns: Postgres computes them and refuses values. */
export const restaurantsTable: SeedTable<RestaurantRow> = {
  name: 'restaurants',
  columns: [
    'id',
    'name',
    'cuisine',
    'city',
    'address',
    'description',
    'lat',
    'lng',
    'price_level',
    'rating_avg',
    'rating_count',
    'created_at',
    'updated_at',
  ],
  line: (r) =>
    `${r.id}\t${text(r.name)}\t${text(r.cuisine)}\t${text(r.city)}\t${text(r.address)}\t${text(r.description)}\t` +
    `${r.lat}\t${r.lng}\t${r.priceLevel}\t${r.ratingAvg}\t${r.ratingCount}\t${r.createdAt}\t${r.createdAt}\n`,
};

export const reviewsTable: SeedTable<ReviewRow> = {
  name: 'reviews',
  columns: ['id', 'user_id', 'restaurant_id', 'rating', 'comment', 'created_at', 'updated_at'],
  line: (r) =>
    `${r.id}\t${r.userId}\t${r.restaurantId}\t${r.rating}\t${text(r.comment)}\t${r.createdAt}\t${r.createdAt}\n`,
};
