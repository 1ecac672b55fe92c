import type { Database } from '@tablestack/db';
import type { JobPayload } from '@tablestack/jobs';
import type { Job } from 'bullmq';
import { notificationId } from './notification-id.js';

export type NotificationResult = { created: number } | { created: 0; reason: 'review-gone' };

/**
 * review-created: a notification in the author's inbox ("your review of X is published"). Restaurants
 * have no owner in the data model yet; when they get one, the owner is the natural second recipient.
 * The review is read from the primary (a replica may not have it yet), and the insert is idempotent.
 */
export function createNotificationsProcessor(deps: { db: Pick<Database, 'primary' | 'write'> }) {
  return async (
    job: Job,
    payload: JobPayload<'notifications', 'review-created'>,
  ): Promise<NotificationResult> => {
    const review = await deps.db.primary().review.findUnique({
      where: { id: payload.reviewId },
      select: { userId: true, rating: true, restaurant: { select: { id: true, name: true } } },
    });
    // Deleted before the job ran (or never committed): nothing to announce, and nothing to retry.
    if (!review) return { created: 0, reason: 'review-gone' };
    const recipients = [review.userId];
    const { count } = await deps.db.write().notification.createMany({
      data: recipients.map((userId) => ({
        id: notificationId(`${job.queueName}/${job.id}`, userId),
        userId,
        type: 'review-created',
        payload: {
          reviewId: payload.reviewId,
          restaurantId: review.restaurant.id,
          restaurantName: review.restaurant.name,
          rating: review.rating,
        },
      })),
      skipDuplicates: true,
    });
    return { created: count };
  };
}
