// What every case needs from the stack's data: restaurant ids (most reviewed first: the ones real
// traffic reads most), the bytes of one cached detail (the bare server sends exactly those), and a
// user to log in as (registered here, so its password hash is the service's argon2id, not the
// seed's scrypt hash that the first login would re-hash).

import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StackEnv } from '../lib/stack-env.js';

export interface Fixtures {
  restaurantIds: string[];
  detailPath: string;
  detailBodyFile: string;
  detailBytes: number;
  /** Accounts the login cases cycle through (one account logging in many times at once trips the
   * gateway's brute-force protection, which counts attempts as they start). */
  logins: Array<{ email: string; password: string }>;
}

export async function loadFixtures(stack: StackEnv, items: number, loginAccounts = 16): Promise<Fixtures> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  let restaurantIds: string[];
  try {
    const result = await client.query<{ id: string }>(
      'select id from restaurants order by rating_count desc, id limit $1',
      [items],
    );
    restaurantIds = result.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
  if (restaurantIds.length === 0) throw new Error('the database has no restaurant: ./stack up seeds them');
  const detailPath = `/restaurants/${restaurantIds[0]}`;
  const response = await fetch(`${stack.restaurantUrls[0]}${detailPath}`);
  if (!response.ok)
    throw new Error(`GET ${detailPath} on the restaurant-service answered ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  const detailBodyFile = join(tmpdir(), `tablestack-bench-detail-${process.pid}.json`);
  await writeFile(detailBodyFile, body);

  const logins: Fixtures['logins'] = [];
  for (let i = 0; i < loginAccounts; i++) {
    const login = { email: `bench-${randomUUID()}@example.test`, password: 'Bench password 42' };
    const registered = await fetch(`${stack.userUrls[0]}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...login, name: 'Bench' }),
    });
    if (registered.status !== 201) throw new Error(`registering a bench user answered ${registered.status}`);
    logins.push(login);
  }
  return { restaurantIds, detailPath, detailBodyFile, detailBytes: body.length, logins };
}

/** The restaurant routes measured, as the service sees them (the gateway adds /api/v1). */
export function restaurantRoutes(fixtures: Fixtures): Record<string, string> {
  return {
    'cached detail': fixtures.detailPath,
    list: '/restaurants?city=Paris&sort=rating&pageSize=20',
    search: '/restaurants/search?q=pizza',
    nearby: '/restaurants/nearby?lat=48.8566&lng=2.3522&radiusKm=2',
  };
}
