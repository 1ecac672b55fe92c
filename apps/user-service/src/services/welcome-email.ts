import type { OutboxMessage } from '../repositories/outbox-repository.js';

/**
 * The welcome email job, written to the outbox with the new user. Queue and job name are the worker's
 * contract (they move to the shared jobs package when the worker's issue adds it). No secrets in the
 * payload: it sits in Postgres and Redis.
 */
export function welcomeEmail(user: { id: string; email: string; name: string }): OutboxMessage {
  return {
    queue: 'email',
    jobName: 'welcome',
    payload: { userId: user.id, email: user.email, name: user.name },
  };
}
