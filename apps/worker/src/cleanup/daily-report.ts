import type { Database } from '@tablestack/db';
import type { Queue } from 'bullmq';
import type { Mailer } from '../email/mailer.js';
import type { SendOnce } from '../email/send-once.js';

export interface DailyReportDeps {
  db: Pick<Database, 'primary'>;
  queues: () => Queue[];
  mailer: Mailer;
  sendOnce: SendOnce;
  now?: () => Date;
}

export interface DailyStats {
  since: string;
  newUsers: number;
  newRestaurants: number;
  newReviews: number;
  photosProcessed: number;
  photosFailed: number;
  outboxPending: number;
  /** Jobs in each queue's failed set (replayable). */
  failedJobs: Record<string, number>;
}

export interface DailyReportResult {
  date: string;
  stats: DailyStats;
  sent: number;
  /** Admins who already got today's report (the job ran again). */
  alreadySent: number;
}

/** At most this many admins get the report. */
const MAX_RECIPIENTS = 50;

async function collect(deps: DailyReportDeps, since: Date): Promise<DailyStats> {
  const db = deps.db.primary();
  const created = { createdAt: { gte: since } };
  const [newUsers, newRestaurants, newReviews, photosProcessed, photosFailed, outboxPending] =
    await Promise.all([
      db.user.count({ where: created }),
      db.restaurant.count({ where: created }),
      db.review.count({ where: created }),
      db.photo.count({ where: { status: 'PROCESSED', processedAt: { gte: since } } }),
      db.photo.count({ where: { status: 'FAILED', ...created } }),
      db.outbox.count({ where: { status: 'PENDING' } }),
    ]);
  const failedJobs: Record<string, number> = {};
  for (const queue of deps.queues())
    failedJobs[queue.name] = (await queue.getJobCounts('failed')).failed ?? 0;
  return {
    since: since.toISOString(),
    newUsers,
    newRestaurants,
    newReviews,
    photosProcessed,
    photosFailed,
    outboxPending,
    failedJobs,
  };
}

function render(date: string, stats: DailyStats): { subject: string; text: string; html: string } {
  const lines = [
    `New users: ${stats.newUsers}`,
    `New restaurants: ${stats.newRestaurants}`,
    `New reviews: ${stats.newReviews}`,
    `Photos processed: ${stats.photosProcessed}, failed: ${stats.photosFailed}`,
    `Outbox rows waiting: ${stats.outboxPending}`,
    `Failed jobs: ${Object.entries(stats.failedJobs)
      .map(([queue, count]) => `${queue} ${count}`)
      .join(', ')}`,
  ];
  return {
    subject: `Tablestack daily report ${date}`,
    text: `The last 24 hours (since ${stats.since}):\n\n${lines.join('\n')}\n`,
    // Numbers and queue names only: nothing user-supplied reaches the markup.
    html: `<!doctype html><html><body><p>The last 24 hours (since ${stats.since}):</p><ul>${lines.map((line) => `<li>${line}</li>`).join('')}</ul></body></html>`,
  };
}

/**
 * The daily report to every admin: sign-ups, restaurants, reviews, photos, the outbox backlog and
 * the failed sets of the last 24 hours. Once per admin and UTC day, whatever the number of runs
 * (idempotency key `daily-report:<date>:<user id>`, as for emails).
 */
export async function sendDailyReport(deps: DailyReportDeps): Promise<DailyReportResult> {
  const now = deps.now?.() ?? new Date();
  const date = now.toISOString().slice(0, 10);
  const stats = await collect(deps, new Date(now.getTime() - 24 * 3_600_000));
  const admins = await deps.db.primary().user.findMany({
    where: { role: 'ADMIN' },
    select: { id: true, email: true },
    orderBy: { createdAt: 'asc' },
    take: MAX_RECIPIENTS,
  });
  const message = render(date, stats);
  let sent = 0;
  let alreadySent = 0;
  for (const admin of admins) {
    const key = `daily-report:${date}:${admin.id}`;
    const claim = await deps.sendOnce.claim(key);
    if (claim.state === 'sent') {
      alreadySent++;
      continue;
    }
    if (claim.state === 'busy')
      throw new Error(`the daily report to ${admin.id} is being sent by another run`);
    try {
      await deps.mailer.send({ to: admin.email, ...message, headers: { 'X-Tablestack-Report': date } });
    } catch (error) {
      await deps.sendOnce.release(key, claim.token).catch(() => {});
      throw error;
    }
    await deps.sendOnce.markSent(key);
    sent++;
  }
  return { date, stats, sent, alreadySent };
}
