import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { requireAdmin, trustGatewayIdentity } from '@tablestack/auth';
import { isQueueName } from '@tablestack/jobs';
import { ProblemError } from '@tablestack/service-kit';
import { type Express, Router } from 'express';
import { z } from 'zod';
import type { QueueSet } from '../queues/queue-set.js';
import { replayFailed } from '../queues/replay-failed.js';

export interface AdminRoutesDeps {
  queues: QueueSet;
  /** Identity headers are believed only with this secret (the gateway's). */
  internalAuthSecret: string;
}

/** Where bull-board and the admin endpoints live. */
export const ADMIN_QUEUES_PATH = '/admin/queues';

const replayBody = z.strictObject({
  /** At most this many failed jobs, oldest first. */
  limit: z.number().int().min(1).max(10_000).default(1000),
});

/**
 * Admin-only routes of the worker, all behind the identity the gateway vouches for:
 * - POST /admin/queues/:queue/failed/replay `{ limit? }` → `{ queue, jobIds }`
 * - /admin/queues: bull-board (browse queues, inspect, retry or remove jobs).
 */
export function mountAdminRoutes(app: Express, deps: AdminRoutesDeps): void {
  const router = Router();
  router.use(trustGatewayIdentity(deps.internalAuthSecret), (req, _res, next) => {
    requireAdmin(req);
    next();
  });

  router.post('/:queue/failed/replay', async (req, res) => {
    const name = req.params.queue;
    if (!isQueueName(name)) throw new ProblemError('NOT_FOUND', { detail: `No queue named ${name}.` });
    const { limit } = replayBody.parse(req.body ?? {});
    const result = await replayFailed(deps.queues.get(name), limit);
    req.log.info(
      { queue: name, replayed: result.jobIds.length, admin: req.identity?.userId },
      'failed jobs replayed',
    );
    res.json(result);
  });

  const board = new ExpressAdapter();
  board.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: deps.queues.all().map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Tablestack queues' } },
  });
  router.use(board.getRouter());

  app.use(ADMIN_QUEUES_PATH, router);
}
