import { randomUUID } from 'node:crypto';

/** What the services cache for one restaurant: 15 fields, about 600 bytes of JSON. */
export interface Restaurant {
  id: string;
  name: string;
  slug: string;
  cuisine: string;
  city: string;
  address: string;
  description: string;
  lat: number;
  lng: number;
  priceLevel: number;
  ratingAvg: number;
  ratingCount: number;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/** A fresh object each call, as a database read would return. */
export function restaurant(id: string): Restaurant {
  return {
    id,
    name: 'Le Petit Bistro de la Roquette',
    slug: 'le-petit-bistro-de-la-roquette',
    cuisine: 'french',
    city: 'Paris',
    address: '12 Rue de la Roquette, 75011 Paris, France',
    description:
      'A neighbourhood bistro near Bastille: seasonal market menu, natural wines by the glass, a small ' +
      'terrace in summer and a prix-fixe lunch on weekdays. Booking advised on weekends.',
    lat: 48.853_812,
    lng: 2.372_145,
    priceLevel: 2,
    ratingAvg: 4.6,
    ratingCount: 1287,
    tags: ['bistro', 'natural-wine', 'terrace', 'lunch-menu'],
    createdAt: '2024-03-18T10:42:07.000Z',
    updatedAt: '2026-10-02T16:05:33.000Z',
  };
}

/** Restaurant ids (UUIDs, like the database's), fresh each run. */
export function restaurantIds(count: number): string[] {
  return Array.from({ length: count }, () => randomUUID());
}

/** Size of the value as every contender serializes it (JSON), for the results. */
export const restaurantJsonBytes = Buffer.byteLength(JSON.stringify(restaurant(randomUUID())));
