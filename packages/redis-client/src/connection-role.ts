/**
 * Why a process has more than one Redis connection, and never more than one per reason:
 * - `command`: the request path (cache, rate limits, locks). Fails fast: a bounded command timeout,
 *   one retry, no offline queue, so a request never waits on a dead Redis.
 * - `subscriber`: pub/sub. A connection in subscribe mode cannot run other commands.
 * - `queue`: BullMQ. Blocking commands (BRPOPLPUSH, XREAD BLOCK) would stall everything queued behind
 *   them, and BullMQ requires `maxRetriesPerRequest: null` so workers ride out an outage.
 */
export type ConnectionRole = 'command' | 'subscriber' | 'queue';

export const connectionRoles: readonly ConnectionRole[] = ['command', 'subscriber', 'queue'];
