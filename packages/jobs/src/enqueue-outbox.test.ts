import { describe, expect, it } from 'vitest';
import { enqueueOutbox, type OutboxTransaction } from './enqueue-outbox.js';
import { InvalidJobError } from './invalid-job-error.js';

/** Records `outbox.create` calls like a transaction client would receive them. */
function fakeTransaction() {
  const created: unknown[] = [];
  const tx = {
    outbox: {
      create: async (args: { data: unknown }) => {
        created.push(args.data);
        return { id: 'c0ffee00-0000-4000-8000-000000000001' };
      },
    },
  } as unknown as OutboxTransaction;
  return { tx, created };
}

const userId = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';

describe('enqueueOutbox', () => {
  it('writes the parsed payload with its queue and job name, and returns the outbox id', async () => {
    const { tx, created } = fakeTransaction();
    const payload = { userId, email: 'ada@example.com', name: 'Ada' };
    const id = await enqueueOutbox(tx, 'email', 'welcome', { ...payload, token: 'secret' } as typeof payload);
    expect(id).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(created).toEqual([{ queue: 'email', jobName: 'welcome', payload }]);
  });

  it('passes availableAt for a delayed job', async () => {
    const { tx, created } = fakeTransaction();
    const availableAt = new Date('2030-01-01T00:00:00Z');
    await enqueueOutbox(tx, 'cleanup', 'old-jobs', {}, { availableAt });
    expect(created).toEqual([{ queue: 'cleanup', jobName: 'old-jobs', payload: {}, availableAt }]);
  });

  it('writes nothing when the payload is invalid', async () => {
    const { tx, created } = fakeTransaction();
    await expect(
      enqueueOutbox(tx, 'notifications', 'review-created', { reviewId: 'x', restaurantId: userId, userId }),
    ).rejects.toThrow(InvalidJobError);
    expect(created).toEqual([]);
  });
});
