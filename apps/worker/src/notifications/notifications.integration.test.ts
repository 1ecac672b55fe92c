import type { Database } from '@tablestack/db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addOutboxRow, dropNamespace, finishedJob, startRuntime } from '../../test/harness.js';
import { openDatabase, uniqueId } from '../../test/support.js';
import { notificationId } from './notification-id.js';

const db: Database = openDatabase();
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => db.close());

/** A user, a restaurant and the user's review of it; deleted (with their notifications) after the test. */
async function reviewFixture(namespace: string) {
  const user = await db.primary().user.create({
    data: { email: `${namespace}@example.com`, name: 'Reviewer', passwordHash: 'x' },
    select: { id: true },
  });
  const restaurant = await db.primary().restaurant.create({
    data: {
      name: `Chez ${namespace}`,
      cuisine: 'French',
      city: 'Lyon',
      address: '1 rue',
      lat: 45.76,
      lng: 4.83,
      priceLevel: 2,
    },
    select: { id: true, name: true },
  });
  const review = await db.primary().review.create({
    data: { userId: user.id, restaurantId: restaurant.id, rating: 5, comment: 'Superb' },
    select: { id: true },
  });
  cleanups.push(async () => {
    await db.primary().user.delete({ where: { id: user.id } });
    await db.primary().restaurant.delete({ where: { id: restaurant.id } });
  });
  return { userId: user.id, restaurant, reviewId: review.id };
}

describe('notifications queue against real Postgres and Redis', () => {
  beforeAll(() => db.health());

  it("review-created puts one notification in the author's inbox, even when the job runs twice", async () => {
    const namespace = uniqueId('notify');
    const harness = startRuntime(db, { namespace, env: { WORKER_QUEUES: 'notifications' } });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const { userId, restaurant, reviewId } = await reviewFixture(namespace);
    const id = await addOutboxRow(db, namespace, 'notifications', 'review-created', {
      reviewId,
      restaurantId: restaurant.id,
      userId,
    });
    const queue = harness.runtime.queues.get('notifications');
    const job = await finishedJob(queue, id);
    expect(job.returnvalue).toEqual({ created: 1 });

    await job.retry('completed');
    const again = await finishedJob(queue, id, (found) => found.returnvalue?.created === 0);
    expect(again.returnvalue).toEqual({ created: 0 });

    const inbox = await db.primary().notification.findMany({ where: { userId } });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      id: notificationId(`notifications/${id}`, userId),
      type: 'review-created',
      readAt: null,
      payload: { reviewId, restaurantId: restaurant.id, restaurantName: restaurant.name, rating: 5 },
    });
  });

  it('completes without a notification when the review is gone', async () => {
    const namespace = uniqueId('notify-gone');
    const harness = startRuntime(db, { namespace, env: { WORKER_QUEUES: 'notifications' } });
    cleanups.push(() => dropNamespace(db, namespace), harness.close);
    const missing = '00000000-0000-4000-8000-000000000000';
    const job = await harness.runtime.queues
      .get('notifications')
      .add('review-created', { reviewId: missing, restaurantId: missing, userId: missing });
    const done = await finishedJob(harness.runtime.queues.get('notifications'), job.id!);
    expect(done.returnvalue).toEqual({ created: 0, reason: 'review-gone' });
  });
});
