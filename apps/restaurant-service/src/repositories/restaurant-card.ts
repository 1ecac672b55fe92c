/**
 * A restaurant as every answer shows it: the public columns, dates as ISO strings (so a value read
 * from the in-process cache and one read from Redis are the same JSON), the rating average rounded.
 * Internal columns (the search vector, the earth point) never leave the service.
 */
export interface RestaurantCard {
  id: string;
  name: string;
  cuisine: string;
  city: string;
  address: string;
  description: string;
  lat: number;
  lng: number;
  priceLevel: number;
  ratingAvg: number;
  ratingCount: number;
  createdAt: string;
  updatedAt: string;
}

/** Prisma `select` of a card's columns. */
export const cardSelect = {
  id: true,
  name: true,
  cuisine: true,
  city: true,
  address: true,
  description: true,
  lat: true,
  lng: true,
  priceLevel: true,
  ratingAvg: true,
  ratingCount: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** What Prisma (or a raw query aliased the same way) returns for `cardSelect`. */
export interface RestaurantRow extends Omit<RestaurantCard, 'createdAt' | 'updatedAt'> {
  createdAt: Date;
  updatedAt: Date;
}

/** `rating_avg` is a `real`: 4.3333335 reads better as 4.33. */
export const roundRating = (value: number): number => Math.round(value * 100) / 100;

export function toCard(row: RestaurantRow): RestaurantCard {
  return {
    id: row.id,
    name: row.name,
    cuisine: row.cuisine,
    city: row.city,
    address: row.address,
    description: row.description,
    lat: row.lat,
    lng: row.lng,
    priceLevel: Number(row.priceLevel),
    ratingAvg: roundRating(Number(row.ratingAvg)),
    ratingCount: Number(row.ratingCount),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
