// The light load's requests, through the stack's public entry (nginx → gateway → services) with a
// drill user's token: cached reads (the detail of the most read restaurants), uncached reads (list
// pages picked at random, so most miss the cache and reach a database), and review writes followed at
// once by the same user's read of the restaurant (read-your-writes).

import type { DrillContext } from './drill.js';
import { bearer, type DrillUser } from './drill-users.js';
import { type Outcome, type RequestSpec, send } from './traffic.js';

const api = (context: DrillContext, path: string) => `${context.stack.publicUrl}/api/v1${path}`;

export function readMix(context: DrillContext, share = { cached: 0.5 }): () => RequestSpec {
  let i = 0;
  return () => {
    const user = context.users[i++ % context.users.length]!;
    if (Math.random() < share.cached) {
      const id = context.restaurantIds[Math.floor(Math.random() * 5)]!;
      return {
        label: 'cached read',
        url: api(context, `/restaurants/${id}`),
        init: { headers: bearer(user) },
      };
    }
    const page = 1 + Math.floor(Math.random() * 400);
    const pageSize = 5 + Math.floor(Math.random() * 20);
    return {
      label: 'uncached read',
      url: api(context, `/restaurants?page=${page}&pageSize=${pageSize}&sort=name`),
      init: { headers: bearer(user) },
    };
  };
}

export interface WriteCheck {
  restaurantId: string;
  userId: string;
  write: Outcome;
  reviewId?: string;
  /** The read right after the write showed it. */
  seen?: boolean;
  read?: Outcome;
}

/** A review by `user` on a restaurant it has not reviewed, then the detail read at once. */
export async function writeThenRead(
  context: DrillContext,
  user: DrillUser,
  restaurantId: string,
): Promise<WriteCheck> {
  const comment = `drill ${Date.now()} ${Math.random()}`;
  const write = await send({
    label: 'review write',
    url: api(context, `/restaurants/${restaurantId}/reviews`),
    init: {
      method: 'POST',
      headers: { ...bearer(user), 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 4, comment }),
    },
    keepBody: true,
  });
  const result: WriteCheck = { restaurantId, userId: user.userId, write };
  if (write.status !== 201) return result;
  result.reviewId = (JSON.parse(write.body ?? '{}') as { id?: string }).id;
  const read = await send({
    label: 'read after write',
    url: api(context, `/restaurants/${restaurantId}`),
    init: { headers: bearer(user) },
    keepBody: true,
  });
  result.read = read;
  result.seen =
    read.status === 200 && result.reviewId !== undefined && (read.body ?? '').includes(result.reviewId);
  return result;
}

/** Restaurants a user can still review: deep in the catalogue, one per write, never reused. */
export function restaurantPicker(ids: string[]): () => string {
  let next = Math.floor(ids.length / 2);
  return () => ids[next++ % ids.length]!;
}
